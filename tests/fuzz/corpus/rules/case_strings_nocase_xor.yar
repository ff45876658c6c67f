rule a { strings: $a = "x" nocase xor condition: $a }
