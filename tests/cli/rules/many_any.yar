// many.yar's strings when the condition only asks whether they exist:
// without -s or -L candor stops at their first match, so it cannot warn
// that there are too many (docs/compat.md); with -s it finds them all.

rule too_many
{
    strings:
        $a = "a"
        $b = "aa"
    condition:
        any of them
}

rule after { condition: true }
