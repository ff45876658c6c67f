rule a { condition: for any i in (1..2) : (for any i in (1..2) : (true)) }
