// A second rules file, for several files and namespaces.

rule other : t1
{
    strings:
        $w = "world"
    condition:
        any of them
}
