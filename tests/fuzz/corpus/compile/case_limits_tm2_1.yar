rule a { strings: $a = "x" $b = "" condition: any of them }
