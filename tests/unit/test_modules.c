/* Unit tests of src/modules: the value tree modules fill and read. */
#include <string.h>

#include "../harness.h"
#include "base/arena.h"
#include "base/buf.h"
#include "modules/module.h"
#include "modules/pe.h"

enum { S_NAME, S_SIZE };
static const struct mod_decl section_members[] = {
    DECL_STRING("name"),
    DECL_INT("size"),
};
enum { T_COUNT, T_SECTIONS, T_NAMES, T_INFO, T_KIND };
static const struct mod_decl test_members[] = {
    DECL_INT("count"),
    DECL_STRUCT_ARRAY("sections", section_members),
    DECL_ARRAY_OF("names", MT_STRING),
    DECL_DICT_OF("info", MT_STRING),
    DECL_CONST_INT("KIND", 7),
};
static const struct mod_decl test_root = DECL_STRUCT("test", test_members);

TEST(modules_struct_members_start_undefined_but_constants)
{
    struct arena a;
    struct mod_obj *o;

    arena_init(&a, 4096);
    o = mod_obj_new(&a, &test_root);
    CHECK(o != NULL);
    CHECK_INT(mod_get(o, T_COUNT).type, MV_UNDEF);
    CHECK_INT(mod_get(o, T_KIND).type, MV_INT);
    CHECK_INT(mod_get(o, T_KIND).u.i, 7);
    CHECK(!mod_set_int(o, T_KIND, 8)); /* constants stay */
    CHECK(mod_set_int(o, T_COUNT, 3));
    CHECK_INT(mod_get(o, T_COUNT).u.i, 3);
    CHECK(!mod_set_float(o, T_COUNT, 1.0)); /* declared int */
    CHECK_INT(mod_get(o, 99).type, MV_UNDEF);
    CHECK_INT(mod_member(&test_root, "sections", 8), T_SECTIONS);
    CHECK_INT(mod_member(&test_root, "section", 7), -1);
    arena_fini(&a);
}

TEST(modules_arrays_of_structures_and_scalars)
{
    struct arena a;
    struct mod_obj *o, *arr, *e, *names;
    struct mod_val v = {MV_STR, 4, {.s = (const uint8_t *)"init"}};

    arena_init(&a, 4096);
    o = mod_obj_new(&a, &test_root);
    arr = mod_obj_child(&a, o, T_SECTIONS);
    CHECK(arr != NULL && arr->kind == MT_ARRAY && arr->n == 0);
    for (int i = 0; i < 20; i++) {
        e = mod_array_push_obj(&a, arr);
        CHECK(e != NULL && e->inst == arr->inst);
        CHECK(mod_set_int(e, S_SIZE, i * 10));
    }
    CHECK(mod_set_str(&a, mod_index(arr, 3).u.o, S_NAME, ".text", 5));
    CHECK_INT(arr->n, 20);
    CHECK_INT(mod_get(mod_index(arr, 19).u.o, S_SIZE).u.i, 190);
    CHECK_INT(mod_get(mod_index(arr, 3).u.o, S_NAME).len, 5);
    CHECK_INT(mod_index(arr, 20).type, MV_UNDEF);
    CHECK_INT(mod_index(arr, -1).type, MV_UNDEF);
    CHECK(mod_obj_child(&a, o, T_COUNT) == NULL); /* not a container */
    names = mod_obj_child(&a, o, T_NAMES);
    CHECK(mod_array_push(&a, names, v));
    v.type = MV_INT;
    CHECK(!mod_array_push(&a, names, v)); /* strings only */
    CHECK(mod_array_push_obj(&a, names) == NULL);
    CHECK_INT(names->n, 1);
    CHECK(memcmp(mod_index(names, 0).u.s, "init", 4) == 0);
    arena_fini(&a);
}

TEST(modules_dictionaries_keep_the_first_value_of_a_key)
{
    struct arena a;
    struct mod_obj *o, *d;
    struct mod_val one = {MV_STR, 3, {.s = (const uint8_t *)"one"}};
    struct mod_val two = {MV_STR, 3, {.s = (const uint8_t *)"two"}};

    arena_init(&a, 4096);
    o = mod_obj_new(&a, &test_root);
    d = mod_obj_child(&a, o, T_INFO);
    CHECK(mod_dict_put(&a, d, "k\0x", 3, one));
    CHECK(mod_dict_put(&a, d, "k\0x", 3, two));
    CHECK(mod_dict_put(&a, d, "k", 1, two));
    CHECK_INT(d->n, 2);
    CHECK(memcmp(mod_lookup(d, (const uint8_t *)"k\0x", 3).u.s, "one", 3) ==
          0);
    CHECK(memcmp(mod_lookup(d, (const uint8_t *)"k", 1).u.s, "two", 3) == 0);
    CHECK_INT(mod_lookup(d, (const uint8_t *)"x", 1).type, MV_UNDEF);
    CHECK_INT(mod_index(d, 0).type, MV_UNDEF); /* not an array */
    arena_fini(&a);
}

/* -D's member order, as yara 4.2.3 prints it (seen in its macho output:
 * the module's members last declared first, an array element's in
 * declared order, an element of an array inside an element reversed). */
enum { N_LEAF, N_KIDS };
static const struct mod_decl leaf_members[] = {
    DECL_STRING("a"),
    DECL_INT("b"),
};
static const struct mod_decl node_members[] = {
    DECL_STRING("leaf_name"),
    DECL_STRUCT_ARRAY("leaves", leaf_members),
};
static const struct mod_decl print_members[] = {
    DECL_INT("count"),
    DECL_STRUCT_ARRAY("nodes", node_members),
    DECL_CONST_INT("KIND", 7),
};
static const struct module print_module = {
    .name = "test",
    .root = DECL_STRUCT("test", print_members),
};

TEST(modules_print_orders_members_as_yara)
{
    struct arena a;
    struct mod_instance inst;
    struct mod_obj *node, *leaf;
    struct buf out;
    static const char want[] = "test\n"
                               "\tKIND = 7\n"
                               "\tnodes\n"
                               "\t\t[0]\n"
                               "\t\t\tleaf_name = \"n\"\n"
                               "\t\t\tleaves\n"
                               "\t\t\t\t[0]\n"
                               "\t\t\t\t\tb = 2\n"
                               "\t\t\t\t\ta = YR_UNDEFINED\n"
                               "\tcount = YR_UNDEFINED\n";

    arena_init(&a, 4096);
    memset(&inst, 0, sizeof(inst));
    inst.mod = &print_module;
    inst.arena = &a;
    CHECK(mod_instance_load(&inst));
    node = mod_array_push_obj(&a, mod_obj_child(&a, inst.root, 1));
    CHECK(mod_set_str(&a, node, N_LEAF, "n", 1));
    leaf = mod_array_push_obj(&a, mod_obj_child(&a, node, N_KIDS));
    CHECK(mod_set_int(leaf, 1, 2));
    buf_init(&out, 1u << 20);
    CHECK(mod_print(&inst, &out));
    CHECK_INT(out.len, sizeof(want) - 1);
    CHECK(out.data != NULL && memcmp(out.data, want, sizeof(want) - 1) == 0);
    buf_fini(&out);
    arena_fini(&a);
}

TEST(modules_dict_set_replaces_a_value)
{
    struct arena a;
    struct mod_obj *o, *d;
    struct mod_val one = {MV_STR, 3, {.s = (const uint8_t *)"one"}};
    struct mod_val two = {MV_STR, 3, {.s = (const uint8_t *)"two"}};

    arena_init(&a, 4096);
    o = mod_obj_new(&a, &test_root);
    d = mod_obj_child(&a, o, T_INFO);
    CHECK(mod_dict_set(&a, d, "k", 1, one));
    CHECK(mod_dict_set(&a, d, "k", 1, two));
    CHECK_INT(d->n, 1);
    CHECK(memcmp(mod_lookup(d, (const uint8_t *)"k", 1).u.s, "two", 3) == 0);
    arena_fini(&a);
}

TEST(modules_array_set_leaves_holes)
{
    struct arena a;
    struct mod_obj *o, *arr, *e;

    arena_init(&a, 4096);
    o = mod_obj_new(&a, &test_root);
    arr = mod_obj_child(&a, o, T_SECTIONS);
    e = mod_array_set_obj(&a, arr, 3);
    CHECK(e != NULL);
    CHECK(mod_set_int(e, S_SIZE, 9));
    CHECK_INT(arr->n, 4);
    CHECK_INT(mod_index(arr, 0).type, MV_UNDEF);
    CHECK_INT(mod_index(arr, 2).type, MV_UNDEF);
    CHECK(mod_index(arr, 3).u.o == e);
    CHECK(mod_array_set_obj(&a, arr, 3) == e);
    CHECK(mod_array_set_obj(&a, arr, 1) != NULL);
    CHECK_INT(arr->n, 4);
    CHECK(mod_array_set_obj(&a, arr, 1u << 20) == NULL);
    arena_fini(&a);
}

/* pe.h's member indices name the members of pe.c's declaration. */
TEST(modules_pe_member_indices)
{
    const struct mod_decl *pe = &module_find("pe", 2)->root;
    static const struct {
        const char *name;
        int index;
    } want[] = {
        {"MACHINE_UNKNOWN", 0},
        {"IMAGE_DEBUG_TYPE_REPRO", PE_N_CONSTANTS - 1},
        {"is_pe", PE_IS_PE},
        {"entry_point", PE_ENTRY_POINT},
        {"version_info_list", PE_VERSION_INFO_LIST},
        {"loader_flags", PE_LOADER_FLAGS},
        {"rich_signature", PE_RICH_SIGNATURE},
        {"IMPORT_ANY", PE_IMPORT_ANY},
        {"export_details", PE_EXPORT_DETAILS},
        {"delay_import_details", PE_DELAY_IMPORT_DETAILS},
        {"pdb_path", PE_PDB_PATH},
        {"number_of_signatures", PE_NUMBER_OF_SIGNATURES},
    };

    for (size_t i = 0; i < sizeof(want) / sizeof(*want); i++)
        CHECK_INT(mod_member(pe, want[i].name, strlen(want[i].name)),
                  want[i].index);
    /* Every value member in between follows pe.h's enum: spot the
     * neighbours of each checked one. */
    CHECK_INT(mod_member(pe, "machine", 7), PE_MACHINE);
    CHECK_INT(mod_member(pe, "sections", 8), PE_SECTIONS);
    CHECK_INT(mod_member(pe, "overlay", 7), PE_OVERLAY);
    CHECK_INT(mod_member(pe, "resources", 9), PE_RESOURCES);
    CHECK_INT(mod_member(pe, "signatures", 10), PE_SIGNATURES);
    CHECK_INT(mod_member(pe, "checksum", 8), PE_CHECKSUM);
}
