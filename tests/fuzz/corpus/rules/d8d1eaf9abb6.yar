rule kb { condition: filesize < 1KB and 1KB == 1024 and 2MB == 2097152 }
rule exact { condition: filesize == 6 }
