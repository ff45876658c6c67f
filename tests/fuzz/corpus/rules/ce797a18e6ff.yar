rule a { strings: $a = "abc" private $b = "bc" condition: $a and $b }
