rule a { condition: uint8("a") == 1 }
