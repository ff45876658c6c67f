rule s {
  strings:
    $t = "ab\x00c" nocase wide ascii fullword private
    $x = "xyz" xor $x2 = "xyz" xor(7) $x3 = "xyz" xor(1-3)
    $b = "abc" base64 base64wide
    $b2 = "abc" base64("!@#$%^&*(){}[].,|ABCDEFGHIJ\x09LMNOPQRSTUVWXYZabcdefghijklmnopqrstu")
    $h = { 41 ?? [1-2] ( 42 | 43 ) ~44 4? ?5 [-] 46 } private
    $r = /a[bc]+d\/e{1,3}?/is nocase wide ascii fullword private
    $ = "anon" $_u = "unused"
  condition:
    any of ($t, $x*, $b*, $h, $r, $)
}
