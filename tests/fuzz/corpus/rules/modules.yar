import "pe"
rule m { condition: pe.number_of_sections > 1 and pe.sections[0].name == ".text" and pe.exports("x") and pe.imports("k", "f") and for any s in pe.sections : (s.name == "a") and for any k, v in pe.version_info : (k == v) and defined pe.x }
