rule a { strings: $a = "abc" nocase $b = "ab" wide $c = "xy" ascii wide condition: any of them }
