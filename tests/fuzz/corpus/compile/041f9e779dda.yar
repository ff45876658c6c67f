rule a1 { strings: $a = "abc" condition: for all of ($a) : ($ at 0) }
rule a2 { strings: $a = "abc" condition: for any of them : (# == 2 and @[2] == 3 and ![1] == 3) }
rule a3 { strings: $a = "abc" condition: $a and for all i in (1,2,3) : (i > 0) }
rule a4 { strings: $a = "abc" condition: $a and for 2 i in (1,2,3) : (i > 1) }
rule a5 { strings: $a = "abc" condition: $a and for 3 i in (1,2,3) : (i > 1) }
rule a7 { strings: $a = "abc" $b = "zz" condition: for all of them : ($) }
rule a8 { strings: $a = "abc" $b = "zz" condition: $a and for none of ($b) : ($) }
rule a9 { strings: $a = "abc" condition: for all i in (1..#a) : (@a[i] % 3 == 0) }
