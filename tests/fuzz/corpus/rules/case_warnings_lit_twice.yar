rule a { condition: "a" and "b" }
