// Matches longer than the 512 bytes yara keeps of a match's data: -L
// prints the length of that data, 512, while !a is the whole length.

rule long {
    strings:
        $re = /xya+/
        $hex = { 78 79 [0-] 62 }
        $jump = { 78 79 [1-2000] 62 }
    condition:
        any of them and !re[1] == 1002
}
