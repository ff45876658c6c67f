rule strcmp { condition: "abc" < "abd" and "b" > "abc" and "abc" == "abc" and "a" != "b" }
rule fltcmp { condition: 1.5 > 1 and 2 == 2.0 and 7 \ 2.0 == 3.5 }
rule ops { condition: "Hello" icontains "ELL" and "hello" startswith "he" and "hello" iendswith "LO" and not ("hello" contains "x") }
