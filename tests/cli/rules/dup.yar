rule dup { condition: true }
rule dup { condition: true }
