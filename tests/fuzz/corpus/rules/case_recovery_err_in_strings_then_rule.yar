rule a { strings: $a = "" condition: $a }
rule b { condition: $x }
