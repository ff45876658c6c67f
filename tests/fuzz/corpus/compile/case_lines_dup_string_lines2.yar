rule a { strings: $a = "x"
$a = "y"
nocase
condition: $a }
