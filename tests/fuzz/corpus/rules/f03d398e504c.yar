rule allat { strings: $a = "abc" $b = "bc" condition: not all of them at 0 and any of them at 1 }
