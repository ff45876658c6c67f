rule e { condition: ext + 1 == 2 and sext contains "t" and fext > 1.0 and bext + 1 == 2 }
