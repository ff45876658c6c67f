rule l { condition: for any i in (1..3) : (for all j in (i, 2, 3) : (i + j > 0)) and for none k in (0..1) : (k == 2) and for 1 + 1 i in (0..9) : (true) }
