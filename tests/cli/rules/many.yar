// More than 1,000,000 matches of one string: yara's "too many matches".

rule too_many
{
    strings:
        $a = "a"
        $b = "aa"
    condition:
        any of them
}

rule after { condition: true }
