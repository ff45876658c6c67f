rule p { condition: 1 + 2 * 3 - 4 \ 5 % 6 == 7 and 1 << 2 >> 3 & 4 ^ 5 | 6 != 0 or not false and -1 < ~2 and (1) + 2 == 3 and ((true or false) and true) }
