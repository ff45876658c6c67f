rule jump { strings: $a = { 61 [1-3] 62 } condition: $a }
rule nib { strings: $a = { 6? 5F ?2 } condition: $a }
rule alt { strings: $a = { 61 ( 5F | 5F 62 ) } condition: $a }
rule anyb { strings: $a = { 61 ?? 62 } condition: #a == 1 }
