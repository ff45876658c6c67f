rule cnt_in { strings: $a = "abc" condition: #a in (0..3) == 2 and #a == 2 }
rule off2 { strings: $a = "abc" condition: @a[2] == 3 and !a[2] == 3 and @a == 0 and !a == 3 }
rule off0 { strings: $a = "abc" condition: not (@a[0] == 0) and not (@a[0] != 0) }
rule at_in { strings: $a = "abc" condition: $a at 3 and $a in (1..3) and not $a in (1..2) and not $a at 1 }
