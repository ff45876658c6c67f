rule fine { condition: true }
rule broken { condition: undefined_thing }
