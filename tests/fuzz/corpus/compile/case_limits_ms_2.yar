rule a { strings: $a = "x1" $b = "x2" $c = "x3" condition: any of them }
rule b { strings: $a = "x1"
 $b = "x2"
 $c = "x3" condition: any of them }
