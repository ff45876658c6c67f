rule a { condition: 1.5 << 2 == 1 }
