rule a { strings: $a = "xyz" xor("a") condition: $a }
