rule a { strings: $a = "xyz" xor(1-3) condition: $a }
