rule a { condition: sext contains "a" }
