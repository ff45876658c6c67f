rule a { condition: for any all in (1..2) : (true) }
