rule a { condition: $a }
rule b { condition: ( }
rule c { condition: 1 \ 0 }
rule a { condition: true }
rule d { strings: $x = "" condition: $x }
