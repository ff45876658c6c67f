rule a { strings: $a = "xyz"
$b
= 
=
condition: $a }
