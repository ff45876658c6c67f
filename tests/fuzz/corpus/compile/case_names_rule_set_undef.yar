rule a1 { condition: true } rule x { condition: 1 of (a1, b) }
