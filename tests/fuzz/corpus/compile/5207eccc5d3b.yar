rule zero_match { strings: $a = "abc" condition: 0 of them }
rule zero_of2 { strings: $a = "abc" $b = "zz" condition: 0 of them }
rule undef_q { strings: $a = "abc" condition: @a[9] of them }
rule undef_q2 { strings: $a = "zz" condition: @a[9] of them }
rule undef_for { strings: $a = "abc" condition: for @a[9] of them : ($) }
rule undef_forin { strings: $a = "abc" condition: $a and for @a[9] i in (1..3) : (true) }
rule zero_for { strings: $a = "abc" condition: for 0 of them : ($) }
rule zero_forin2 { strings: $a = "abc" condition: $a and for 0 i in (1..3) : (false) }
