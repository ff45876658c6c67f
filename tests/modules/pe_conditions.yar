// The pe module's functions and fields in conditions, run by
// tests/modules/dump_diff.sh on crafted and corpus files, yara 4.2.3 and
// candor side by side: each rule that matches is printed.
import "pe"
import "console"

rule log_0 { condition: console.log("imphash ", pe.imphash()) }
rule log_1 { condition: console.log("checksum ", pe.calculate_checksum()) }
rule log_2 { condition: console.log("rva ep ", pe.rva_to_offset(pe.entry_point_raw)) }
rule log_3 { condition: console.log("rva 0x2010 ", pe.rva_to_offset(0x2010)) }
rule log_4 { condition: console.log("kernel32 ", pe.imports("kernel32.dll")) }
rule log_5 { condition: console.log("entrypoint ", entrypoint) }
rule log_6 { condition: console.log("index 0x400 ", pe.section_index(0x400)) }

rule is_pe { condition: pe.is_pe }
rule not_pe { condition: not pe.is_pe }
rule entrypoint_kw { condition: entrypoint == pe.entry_point }
rule entrypoint_defined { condition: defined entrypoint }
rule ep_in_text { condition: pe.section_index(pe.entry_point) == pe.section_index(".text") }
rule text_index_0 { condition: pe.section_index(".text") == 0 }
rule rdata_index { condition: pe.section_index(".rdata") == 1 }
rule no_such_section { condition: defined pe.section_index(".nope") }
rule addr_index_undef { condition: defined pe.section_index(0) }
rule dll { condition: pe.is_dll() }
rule bits32 { condition: pe.is_32bit() }
rule bits64 { condition: pe.is_64bit() }
rule machine_i386 { condition: pe.machine == pe.MACHINE_I386 }
rule machine_amd64 { condition: pe.machine == pe.MACHINE_AMD64 }
rule chars_dll { condition: pe.characteristics & pe.DLL }
rule checksum_ok { condition: pe.checksum == pe.calculate_checksum() }
rule checksum_defined { condition: defined pe.calculate_checksum() }
rule rva0 { condition: pe.rva_to_offset(pe.sections[0].virtual_address) == pe.sections[0].raw_data_offset }
rule rva_far { condition: defined pe.rva_to_offset(0x7fffffff) }
rule rva_neg { condition: defined pe.rva_to_offset(-1) }
rule rva_header { condition: pe.rva_to_offset(2) == 2 }
rule kernel32_createfile { condition: pe.imports("kernel32.dll", "CreateFileA") }
rule kernel32_case { condition: pe.imports("KERNEL32.DLL", "createfilea") }
rule kernel32_count { condition: pe.imports("kernel32.dll") == 3 }
rule kernel32_any { condition: pe.imports("kernel32.dll") > 0 }
rule user32_ord5 { condition: pe.imports("user32.dll", 5) }
rule user32_ord5_name { condition: pe.imports("user32.dll", "ord5") }
rule imports_re { condition: pe.imports(/kernel32/i, /^(Create|Read)/) == 2 }
rule imports_re_any { condition: pe.imports(/./, /./) > 0 }
rule imports_std_flag { condition: pe.imports(pe.IMPORT_STANDARD, "kernel32.dll", "ReadFile") }
rule imports_delayed { condition: pe.imports(pe.IMPORT_DELAYED, "shell32.dll", "ShellExecuteW") }
rule imports_delayed_ord { condition: pe.imports(pe.IMPORT_DELAYED, "shell32.dll", 7) }
rule imports_any_count { condition: pe.imports(pe.IMPORT_ANY, "shell32.dll") == 2 }
rule imports_delayed_re { condition: pe.imports(pe.IMPORT_DELAYED, /SHELL/, /Exec/) == 1 }
rule imports_old_skip_delayed { condition: pe.imports("shell32.dll", "ShellExecuteW") }
rule imports_msvcrt_undef_fn { condition: defined pe.import_details[1].functions[0].name }
rule imports_msvcrt_fn { condition: pe.import_details[1].functions[3].name == "printf" }
rule ntdll { condition: pe.imports("ntdll.dll") }
rule imphash_empty { condition: pe.imphash() == "d41d8cd98f00b204e9800998ecf8427e" }
rule exports_alpha { condition: pe.exports("Alpha") }
rule exports_alpha_case { condition: pe.exports("ALPHA") }
rule exports_ord6 { condition: pe.exports(6) }
rule exports_ord4 { condition: pe.exports(4) }
rule exports_re { condition: pe.exports(/^[Bb]eta$/) }
rule exports_index_beta { condition: pe.exports_index("beta") == 3 }
rule exports_index_ord { condition: pe.exports_index(7) == 2 }
rule exports_index_re { condition: pe.exports_index(/Forw/) == 2 }
rule exports_index_none { condition: defined pe.exports_index("nothing") }
rule forwarded { condition: pe.export_details[2].forward_name == "NTDLL.RtlAllocateHeap" }
rule dll_name { condition: pe.dll_name == "sample.dll" }
rule dll_main { condition: pe.exports("DllMain") or pe.exports("DllMain@12") }
rule rich_toolid { condition: pe.rich_signature.toolid(0x104) == 68 }
rule rich_toolid_version { condition: pe.rich_signature.toolid(0x104, 30729) == 7 }
rule rich_version { condition: pe.rich_signature.version(30729) == 10 }
rule rich_version_toolid { condition: pe.rich_signature.version(24215, 0x104) == 61 }
rule rich_none { condition: defined pe.rich_signature.version(1) }
rule rich_key { condition: pe.rich_signature.key == 0xA1B2C3D4 }
rule rich_clear { condition: pe.rich_signature.clear_data startswith "DanS" }
rule pdb { condition: pe.pdb_path == "C:\\build\\Release\\app.pdb" }
rule overlay_some { condition: pe.overlay.size > 0 and uint8(pe.overlay.offset) == 0x4f }
rule overlay_none { condition: pe.overlay.size == 0 }
rule version_company { condition: pe.version_info["CompanyName"] == "Candor Tests" }
rule version_comments_empty { condition: pe.version_info["Comments"] == "" }
rule version_list { condition: pe.version_info_list[1].key == "FileVersion" }
rule version_missing { condition: defined pe.version_info["Nope"] }
rule locale_ru { condition: pe.locale(0x0419) }
rule language_en { condition: pe.language(0x09) }
rule language_none { condition: pe.language(0x0c) }
rule res_type_string { condition: pe.resources[0].type_string == "M\x00Y\x00T\x00Y\x00P\x00E\x00" }
rule res_version_type { condition: for any r in pe.resources : (r.type == pe.RESOURCE_TYPE_VERSION) }
rule long_section_name { condition: pe.sections[1].full_name == ".rdata_long_name" }
rule section_loop { condition: for all s in pe.sections : (s.raw_data_offset % 0x200 == 0) }
rule signed { condition: pe.number_of_signatures > 0 }
rule signature_valid_2023 { condition: for any s in pe.signatures : (s.valid_on(1700000000)) }
rule signature_debian { condition: for any s in pe.signatures : (s.issuer contains "Debian") }
rule signature_serial { condition: pe.signatures[0].serial matches /^[0-9a-f]{2}(:[0-9a-f]{2})*$/ }
rule data_dir_import { condition: pe.data_directories[pe.IMAGE_DIRECTORY_ENTRY_IMPORT].virtual_address != 0 }
rule subsystem_cui { condition: pe.subsystem == pe.SUBSYSTEM_WINDOWS_CUI }
rule linker_14 { condition: pe.linker_version.major == 14 }
rule timestamp { condition: pe.timestamp == 0x5f5e1000 }
rule image_base_dll { condition: pe.image_base == 0x180000000 or pe.image_base == 0x10000000 }
