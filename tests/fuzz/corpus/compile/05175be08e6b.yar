rule a { strings: $a = "abc" xor condition: #a == 3 and @a[1] == 0 and @a[2] == 4 and @a[3] == 8 }
rule b { strings: $b = "abc" xor(2-3) condition: #b == 1 and @b[1] == 8 }
