// -l across the files of a scan list: once the limit is reached, every
// rule reported (matching or not) ends the file, so a file whose first
// rule does not match shows nothing.

rule never { strings: $a = "no such text" condition: $a }
rule t1 { condition: true }
rule t2 { condition: true }
rule plain_only { strings: $a = "nothing" condition: $a }
