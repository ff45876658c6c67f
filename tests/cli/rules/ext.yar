// External variables (-d): each rule needs its value's type.

rule ext_int { condition: iv == 5 and (iv & 1) == 1 }
rule ext_float { condition: fv > 1.25 and fv < 1.75 }
rule ext_bool { condition: bv }
rule ext_str { condition: sv == "a=b" }
