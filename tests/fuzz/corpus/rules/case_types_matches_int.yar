rule a { condition: 1 matches /a/ }
