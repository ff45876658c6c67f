// More than 1,000,000 matches of one string: yara's "too many matches".
// The condition counts them, so every match is needed (many_any.yar is
// the same rule asking only whether they exist).

rule too_many
{
    strings:
        $a = "a"
        $b = "aa"
    condition:
        #a > 0 and #b > 0
}

rule after { condition: true }
