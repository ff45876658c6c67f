rule a { condition: filesize + 0x7fffffffffffffff < 0 }
rule shl64 { condition: (1 << 64) == 0 and (1 << 63) < 0 }
