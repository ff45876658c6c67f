rule u1 { strings: $a = "zz" condition: not (@a[1] == 0) }
rule u2 { strings: $a = "zz" condition: (@a[1] == 0) or true }
rule u3 { strings: $a = "zz" condition: not (@a[1] == 0) or true }
rule u4 { strings: $a = "zz" condition: (@a[1] == 0) and true }
rule u5 { strings: $a = "zz" condition: not ((@a[1] == 0) and true) }
rule u6 { strings: $a = "zz" condition: not ((@a[1] == 0) or false) }
rule u7 { strings: $a = "zz" condition: not not (@a[1] == 0) }
rule u8 { strings: $a = "zz" condition: not (@a[1] + 1 > 0) }
