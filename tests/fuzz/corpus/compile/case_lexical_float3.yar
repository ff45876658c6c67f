rule a { condition: .5 > 0 }
