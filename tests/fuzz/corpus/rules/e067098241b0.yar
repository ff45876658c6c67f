rule a { strings: $a = "cmd" fullword condition: $a }
