// A condition that takes minutes: -a must stop it.

rule slow
{
    condition:
        for all i in (0..filesize - 1) : (
            for all j in (0..filesize - 1) : (uint8(j) == 0x61))
}

rule quick { condition: true }
