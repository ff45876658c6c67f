rule ints { condition: int8(0) == 0x61 and uint16be(0) == 0x6162 and int16(0) == 0x6261 and uint32(0) == 0x64636261 }
rule signed { condition: int8(4) == -1 and int16be(4) == -1 and int32(4) < 0 and uint8(4) == 255 }
rule past_end { condition: not (uint32(filesize) == 0) and not (uint32(filesize) != 0) }
rule negative { condition: not (uint8(-1) == 0) and not (uint8(-1) != 0) }
