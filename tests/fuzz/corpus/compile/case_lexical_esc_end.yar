rule a { condition: "a\" == "a" }
