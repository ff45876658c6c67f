rule div { condition: not ((1 \ (filesize - 1)) == 0) and not ((1 \ (filesize - 1)) != 0) }
rule mod { condition: (1 % (filesize - 1)) == 0 or (1 % (filesize - 1)) != 0 }
rule fdiv { condition: (1.0 \ (filesize - 1)) > 1000000.0 }
