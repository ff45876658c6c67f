rule at_undef { strings: $a = "abc" condition: not $a at @a[5] }
rule in_undef { strings: $a = "abc" condition: not $a in (0..@a[5]) }
