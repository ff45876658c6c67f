rule a { strings: $a = "aa" condition: $a }
