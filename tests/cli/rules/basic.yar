// Rules for tests/cli/run.sh: tags, metadata, text and hex strings, a
// private rule, a private string, rules that never and always match.

rule text_and_hex : t1 t2
{
    meta:
        author = "candor \"tests\"\n\t\\"
        version = 3
        negative = -5
        ok = true
        bad = false
    strings:
        $h = "hello"
        $x = { 66 6F 6F 00 62 }
        $e = "tab\there"
    condition:
        any of them
}

private rule hidden
{
    strings:
        $a = "world"
    condition:
        any of them
}

rule with_private_string : t2
{
    strings:
        $a = "world" private
        $b = "foo"
    condition:
        all of them
}

rule never : t3
{
    condition:
        false
}

rule always
{
    condition:
        true
}
