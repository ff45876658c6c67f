rule a { condition: true or false and false }
rule b { condition: (true or false) and false }
