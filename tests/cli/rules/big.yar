// Files above 16 MiB are memory-mapped, smaller ones read (src/scan/scanner.c).

rule tail { strings: $a = "needle" condition: $a at filesize - 6 }
