rule empty_all { strings: $a = "zz" condition: for all i in (1..#a) : (@a[i] > 100) }
rule empty_any { strings: $a = "zz" condition: not for any i in (1..#a) : (@a[i] > 100) }
rule empty_none { strings: $a = "zz" condition: for none i in (1..#a) : (@a[i] > 100) }
rule undef_range { strings: $a = "zz" condition: for all i in (1..@a[1]) : (true) }
rule undef_range2 { strings: $a = "zz" condition: not for all i in (1..@a[1]) : (true) }
rule reversed { condition: for all i in (3..1) : (true) }
