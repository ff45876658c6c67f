// The dotnet module's fields in conditions, run by
// tests/modules/dump_diff.sh on crafted and corpus files, yara 4.2.3 and
// candor side by side: each rule that matches is printed.
import "dotnet"
import "console"

rule log_0 { condition: console.log("streams ", dotnet.number_of_streams) }
rule log_1 { condition: console.log("version ", dotnet.version) }
rule log_2 { condition: console.log("module ", dotnet.module_name) }
rule log_3 { condition: console.log("assembly ", dotnet.assembly.name) }
rule log_4 { condition: console.log("major ", dotnet.assembly.version.major) }
rule log_5 { condition: console.log("typelib ", dotnet.typelib) }
rule log_6 { condition: console.log("refs ", dotnet.number_of_assembly_refs) }
rule log_7 { condition: console.log("ref0 ", dotnet.assembly_refs[0].name) }
rule log_8 { condition: console.log("key0 ", dotnet.assembly_refs[0].public_key_or_token) }
rule log_9 { condition: console.log("constants ", dotnet.number_of_constants) }
rule log_10 { condition: console.log("user_strings ", dotnet.number_of_user_strings) }
rule log_11 { condition: console.log("res0 ", dotnet.resources[0].offset) }
rule log_15 { condition: console.log("res0 length ", dotnet.resources[0].length) }
rule log_12 { condition: console.log("field0 ", dotnet.field_offsets[0]) }
rule log_13 { condition: console.log("guid0 ", dotnet.guids[0]) }
rule log_14 { condition: console.log("modref0 ", dotnet.modulerefs[0]) }

rule is_dotnet { condition: dotnet.is_dotnet }
rule not_dotnet { condition: dotnet.is_dotnet == 0 }
rule dotnet_undefined { condition: not defined dotnet.is_dotnet }
rule v4 { condition: dotnet.version == "v4.0.30319" }
rule tilde_first { condition: dotnet.streams[0].name == "#~" }
rule stream_sizes { condition: for all s in dotnet.streams : (s.size < filesize) }
rule streams_inside { condition: for all i in (0 .. dotnet.number_of_streams - 1) : (dotnet.streams[i].offset + dotnet.streams[i].size <= filesize) }
rule mscorlib { condition: for any r in dotnet.assembly_refs : (r.name == "mscorlib") }
rule ecma_token { condition: for any r in dotnet.assembly_refs : (r.public_key_or_token == "\xb7\x7a\x5c\x56\x19\x34\xe0") }
rule ecma_token_full { condition: for any r in dotnet.assembly_refs : (r.public_key_or_token == "\xb7\x7a\x5c\x56\x19\x34\xe0\x89") }
rule ref_v4 { condition: for any r in dotnet.assembly_refs : (r.version.major == 4 and r.version.minor == 0) }
rule culture_set { condition: defined dotnet.assembly.culture }
rule hello_const { condition: for any c in dotnet.constants : (c == "h\x00e\x00l\x00l\x00o") }
rule hello_us { condition: for any u in dotnet.user_strings : (u == "h\x00e\x00l\x00l\x00o\x00") }
rule kernel32 { condition: for any m in dotnet.modulerefs : (m == "kernel32") }
rule res_named { condition: for any r in dotnet.resources : (r.name endswith ".resources") }
rule res_inside { condition: for all r in dotnet.resources : (r.offset + r.length <= filesize) }
rule fields_inside { condition: for all f in dotnet.field_offsets : (f < filesize) }
rule guid_count { condition: dotnet.number_of_guids == 1 }
rule typelib_set { condition: defined dotnet.typelib }
rule constants_undef { condition: not defined dotnet.number_of_constants }
rule out_of_range { condition: defined dotnet.streams[1000].name or defined dotnet.guids[-1] }
