rule epnt { condition: entrypoint == 0 }
rule epnt2 { condition: not (entrypoint == 0) }
