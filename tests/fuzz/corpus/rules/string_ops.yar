rule s { strings: $a = "a1" $b = "b1" condition: $a and $a at 10 and $a in (0..filesize) and #a == 2 and #a in (0..100) > 1 and @a == 0 and @a[2] > 1 and !a == 3 and !b[1] == 3 }
