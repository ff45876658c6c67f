rule zero_of { strings: $a = "zz" condition: 0 of them }
rule pct50 { strings: $a = "abc" $b = "zz" condition: 50% of them }
rule pct34 { strings: $a = "abc" $b = "zz" $c = "yy" condition: 34% of them }
rule pct33 { strings: $a = "abc" $b = "zz" $c = "yy" condition: 33% of them }
rule two { strings: $a = "abc" $b = "bca" $c = "yy" condition: 2 of them and not 3 of them }
rule anyin { strings: $a = "abc" condition: any of ($a) in (2..3) }
