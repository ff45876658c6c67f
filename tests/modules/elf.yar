/*
 * Conditions over the elf module and the `entrypoint` keyword, run by
 * tests/modules/run.sh on every crafted and system ELF file with yara
 * 4.2.3 and candor: both must print the same rules. Loops over arrays of
 * structures exercise the VM's LOOP_OBJ path.
 */
import "elf"
import "console"

rule entrypoint_keyword { condition: console.log("entrypoint ", entrypoint) }
rule entry_point_field { condition: console.log("entry_point ", elf.entry_point) }
rule same_entry { condition: elf.entry_point == entrypoint }
rule header { condition: elf.type == elf.ET_EXEC or elf.type == elf.ET_DYN or elf.type == elf.ET_REL }
rule machine { condition: elf.machine == elf.EM_X86_64 or elf.machine == elf.EM_386 or elf.machine == elf.EM_PPC64 or elf.machine == elf.EM_MIPS }
rule any_text { condition: for any s in elf.sections : (s.name == ".text" and s.flags & elf.SHF_EXECINSTR) }
rule all_typed { condition: for all s in elf.sections : (s.type >= elf.SHT_NULL) }
rule two_progbits { condition: for 2 s in elf.sections : (s.type == elf.SHT_PROGBITS) }
rule needed { condition: for any d in elf.dynamic : (d.type == elf.DT_NEEDED) }
rule dynamic_last_null { condition: elf.dynamic[elf.dynamic_section_entries - 1].type == elf.DT_NULL }
rule dynsym_by_index { condition: for any i in (0..elf.dynsym_entries - 1) : (elf.dynsym[i].name == "puts" or elf.dynsym[i].name == "free") }
rule dynsym_loop { condition: for any s in elf.dynsym : ((s.name == "exit" or s.name == "abort") and s.bind == elf.STB_GLOBAL and s.type == elf.STT_FUNC) }
rule symtab_nested { condition: for any s in elf.sections : (for any t in elf.symtab : (t.shndx == 1 and s.name == ".text" and t.name == "main")) }
rule nested_same { condition: for 2 s in elf.sections : (for any t in elf.sections : (t.offset == s.offset and t.name != s.name)) }
rule load_segments { condition: for 2 g in elf.segments : (g.type == elf.PT_LOAD and g.flags & elf.PF_R) }
rule all_empty_false { condition: for all s in elf.symtab : (false) }
rule any_symbol { condition: for any s in elf.symtab : (true) }
rule names_defined { condition: for all s in elf.sections : (defined s.name) }
rule undefined_index { condition: not defined elf.sections[65536].name and not defined elf.sections[-1].type }
rule counts { condition: console.log("counts ", elf.number_of_sections) and console.log("", elf.number_of_segments) and console.log("", elf.symtab_entries) and console.log("", elf.dynsym_entries) and console.log("", elf.dynamic_section_entries) }
rule bytes_at_entry { strings: $nop = { 90 90 90 90 } condition: $nop at elf.entry_point }
