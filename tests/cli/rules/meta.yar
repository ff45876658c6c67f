// How string metadata is printed (-m): letter escapes, octal, a NUL ends it.

rule meta_escapes
{
    meta:
        controls = "\x01\x07\x08\x09\x0a\x0b\x0c\x0d\x1b\x7f\x80\xff ~'?"
        quotes = "say \"hi\" \\ 'there'"
        nul = "ab\x00cd"
        utf8 = "caf\xc3\xa9"
        empty = ""
        big = 1234567890123
    condition:
        true
}
