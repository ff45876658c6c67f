rule r1 { condition: true }
rule m { condition: false }
rule r2 { condition: r1 and any of (r*) and 1 of (r1, m) and r2 and 50% of (m) }
