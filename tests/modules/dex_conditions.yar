// The dex module's functions and fields in conditions, run by
// tests/modules/dump_diff.sh on crafted and real DEX files, yara 4.2.3 and
// candor side by side: each rule that matches is printed.
import "dex"
import "console"

rule log_0 { condition: console.log("methods ", dex.number_of_methods) }
rule log_1 { condition: console.log("fields ", dex.number_of_fields) }
rule log_2 { condition: console.log("magic ", dex.header.magic) }
rule log_3 { condition: console.log("name0 ", dex.method[0].name) }
rule log_4 { condition: console.log("string1 ", dex.string_ids[1].value) }

rule is_dex { condition: dex.header.magic == dex.DEX_FILE_MAGIC_035 or dex.header.magic == dex.DEX_FILE_MAGIC_036 or dex.header.magic == dex.DEX_FILE_MAGIC_037 or dex.header.magic == dex.DEX_FILE_MAGIC_038 or dex.header.magic == dex.DEX_FILE_MAGIC_039 }
rule magic_039 { condition: dex.header.magic == dex.DEX_FILE_MAGIC_039 }
rule magic_defined { condition: defined dex.header.magic }
rule endian { condition: dex.header.endian_tag == dex.ENDIAN_CONSTANT }
rule endian_reverse { condition: dex.header.endian_tag == dex.REVERSE_ENDIAN_CONSTANT }
rule file_size_ok { condition: dex.header.file_size == filesize }
rule header_size { condition: dex.header.header_size == 0x70 }
rule methods_defined { condition: defined dex.number_of_methods }
rule fields_defined { condition: defined dex.number_of_fields }
rule has_main { condition: dex.has_method("main") }
rule has_init { condition: dex.has_method("<init>") }
rule has_method_undefined { condition: not defined dex.has_method("main") }
rule has_method_class { condition: dex.has_method("La/B;", "main") }
rule has_method_class_wrong { condition: dex.has_method("La/C;", "main") }
rule has_method_hello { condition: dex.has_method("Lcom/example/Hello;", "main") }
rule has_method_re { condition: dex.has_method(/^ma/) }
rule has_method_re2 { condition: dex.has_method(/\/B;$/, /^r/) }
rule has_method_re_try { condition: dex.has_method(/candor\/Try/, /^(div|sync)$/) }
rule has_method_none { condition: dex.has_method("nope") }
rule has_method_empty { condition: dex.has_method("") }
rule has_class_b { condition: dex.has_class("La/B;") }
rule has_class_object { condition: dex.has_class("Ljava/lang/Object;") }
rule has_class_re { condition: dex.has_class(/^La\//) }
rule has_class_iface { condition: dex.has_class("Lorg/candor/Iface;") }
rule has_class_undefined { condition: not defined dex.has_class("x") }
rule all_methods_named { condition: for all i in (0 .. dex.number_of_methods - 1) : (defined dex.method[i].name) }
rule any_native { condition: for any m in dex.method : (m.access_flags & dex.ACC_NATIVE) }
rule any_constructor { condition: for any m in dex.method : (m.access_flags & dex.ACC_CONSTRUCTOR and m.direct == 1) }
rule any_virtual { condition: for any m in dex.method : (m.virtual == 1) }
rule code_insns { condition: dex.method[0].code_item.insns_size > 0 }
rule insns_return_void { condition: for any m in dex.method : (m.code_item.insns contains "\x0e\x00") }
rule tries { condition: for any m in dex.method : (m.code_item.tries_size > 0) }
rule padding_undefined { condition: not defined dex.method[0].code_item.padding }
rule static_field { condition: for any f in dex.field : (f.access_flags & dex.ACC_STATIC) }
rule field_count { condition: dex.number_of_fields == 4 }
rule string_count { condition: dex.header.string_ids_size == 14 }
rule strings_all_present { condition: for all i in (0 .. 13) : (defined dex.string_ids[i].value) }
rule string_offset { condition: dex.string_ids[0].offset == dex.header.data_offset }
rule type_desc { condition: dex.string_ids[dex.type_ids[1].descriptor_idx].value == "La/B;" }
rule proto_shorty { condition: dex.string_ids[dex.proto_ids[0].shorty_idx].value == "II" }
rule map_items { condition: dex.map_list.size == 12 }
rule map_first_header { condition: dex.map_list.map_item[0].type == dex.TYPE_HEADER_ITEM }
rule map_has_code { condition: for any m in dex.map_list.map_item : (m.type == dex.TYPE_CODE_ITEM) }
rule class_data_items { condition: dex.class_data_item[1].instance_fields_size == 2 }
rule class_no_source { condition: for any c in dex.class_defs : (c.source_file_idx == dex.NO_INDEX) }
rule class_iface { condition: for any c in dex.class_defs : (c.access_flags & dex.ACC_INTERFACE) }
rule out_of_range { condition: defined dex.method[100000].name or defined dex.string_ids[-1].value }
