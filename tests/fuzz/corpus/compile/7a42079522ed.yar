rule a { strings: $a = "a\tb\x41\"\\" condition: $a }
