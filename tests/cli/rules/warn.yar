// A string yara warns about ("may slow down scanning").

rule short_atom
{
    strings:
        $a = "a"
    condition:
        any of them
}
