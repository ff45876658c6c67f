rule a { strings: $a = "x" nocase nocase condition: $a }
