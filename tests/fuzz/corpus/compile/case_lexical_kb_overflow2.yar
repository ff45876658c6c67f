rule a { condition: 9223372036854775807MB != 0 }
