rule a { strings: $a = "bc" condition: $a }
