rule a { condition: 2 + 3 * 4 == 14 and 7 \ 2 == 3 and -7 \ 2 == -3 and -7 % 3 == -1 }
rule b { condition: 1 << 2 + 1 == 8 and (0xF0 | 0x0F) & 0x3C == 0x3C and 5 ^ 1 == 4 and ~0 == -1 }
