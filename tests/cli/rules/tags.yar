// Filters (-t, -i) and the rule limit (-l).

rule r1 : x { condition: true }
rule r2 : y { condition: true }
rule r3 : x y { condition: true }
rule r4 { condition: false }
rule r5 : x { condition: false }
rule r6 { condition: true }
