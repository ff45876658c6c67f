rule a { condition: true }
rule b { condition: false }
private rule p { condition: true }
rule c { condition: a and not b and p }
rule d { condition: any of (a, b) and not all of (a, b) }
