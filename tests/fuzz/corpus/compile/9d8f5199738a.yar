rule i { strings: $a = /ab+c/i condition: $a }
rule nodot { strings: $a = /a.b/ condition: $a }
rule dotall { strings: $a = /a.b/s condition: $a }
