/*
 * serialize.c - compiled rules on disk.
 *
 * Layout (little-endian):
 *   "CANDORRS"  u32 version  u32 n_sections
 *   n_sections x { u32 tag, u64 length, length bytes }
 *   32 bytes: SHA-256 of everything before it
 * The checksum catches corruption, not forgery. Trust is layered: every
 * table and every instruction is validated here before use, so a forged
 * file can make candor report wrong rules but cannot make it read out of
 * bounds; the vectorscan databases inside (which vectorscan cannot validate)
 * are authenticated by match_db_load with the user's key, or rebuilt.
 */
#include <stdio.h>
#include <string.h>


#include "base/bytes.h"
#include "base/digest.h"
#include "base/mem.h"
#include "compile/ruleset.h"

#define MAGIC "CANDORRS"
#define FORMAT_VERSION 2u
#define MAX_FILE (1ull << 32) /* refuse compiled files above 4 GiB */

enum section {
    SEC_INFO = 1, SEC_STRTAB, SEC_RULES, SEC_STRINGS, SEC_METAS, SEC_TAGS,
    SEC_EXTERNALS, SEC_CODE, SEC_SETS, SEC_REGEXES, SEC_IMPORTS, SEC_MATCH,
    SEC_COUNT
};

static void put_section(struct buf *b, uint32_t tag, const void *p,
                        size_t len)
{
    buf_put_u32(b, tag);
    buf_put_u64(b, len);
    buf_append(b, p, len);
}

enum candor_status ruleset_save(const struct ruleset *rs, const char *path,
                                const uint8_t *key, size_t key_len)
{
    struct buf b, m;
    enum candor_status rc;
    uint8_t digest[32];
    uint32_t info[1] = {rs->max_slots};
    FILE *f;

    buf_init(&b, MAX_FILE);
    buf_init(&m, MAX_FILE);
    rc = match_db_save(rs->db, &m, key, key_len);
    buf_append(&b, MAGIC, 8);
    buf_put_u32(&b, FORMAT_VERSION);
    buf_put_u32(&b, SEC_COUNT - 1);
    put_section(&b, SEC_INFO, info, sizeof(info));
    put_section(&b, SEC_STRTAB, rs->strtab, rs->strtab_len);
    put_section(&b, SEC_RULES, rs->rules, rs->n_rules * sizeof(*rs->rules));
    put_section(&b, SEC_STRINGS, rs->strings,
                rs->n_strings * sizeof(*rs->strings));
    put_section(&b, SEC_METAS, rs->metas, rs->n_metas * sizeof(*rs->metas));
    put_section(&b, SEC_TAGS, rs->tags, rs->n_tags * sizeof(*rs->tags));
    put_section(&b, SEC_EXTERNALS, rs->externals,
                rs->n_externals * sizeof(*rs->externals));
    put_section(&b, SEC_CODE, rs->code, rs->n_code * sizeof(*rs->code));
    put_section(&b, SEC_SETS, rs->sets, rs->n_sets * sizeof(*rs->sets));
    put_section(&b, SEC_REGEXES, rs->regexes,
                rs->n_regexes * sizeof(*rs->regexes));
    put_section(&b, SEC_IMPORTS, rs->imports,
                rs->n_imports * sizeof(*rs->imports));
    put_section(&b, SEC_MATCH, m.data, m.len);
    buf_fini(&m);
    if (rc == CANDOR_OK && b.failed)
        rc = CANDOR_ERROR_NOMEM;
    if (rc == CANDOR_OK)
        digest_sha256(b.data, b.len, digest);
    buf_append(&b, digest, sizeof(digest));
    if (rc == CANDOR_OK) {
        f = fopen(path, "wb");
        if (f == NULL || fwrite(b.data, 1, b.len, f) != b.len)
            rc = CANDOR_ERROR_IO;
        if (f != NULL && fclose(f) != 0)
            rc = CANDOR_ERROR_IO;
    }
    buf_fini(&b);
    return rc;
}

/* ---- Validation -------------------------------------------------------- */

static bool str_ok(const struct ruleset *rs, uint32_t off)
{
    return off < rs->strtab_len;
}

static bool bytes_ok(const struct ruleset *rs, uint32_t off, uint32_t len)
{
    return (uint64_t)off + len < rs->strtab_len &&
           rs->strtab[off + len] == '\0';
}

static bool range_ok(uint32_t first, uint32_t n, uint32_t total)
{
    return (uint64_t)first + n <= total;
}

static bool set_ok(const struct ruleset *rs, uint32_t set, uint32_t n,
                   uint32_t first, uint32_t count)
{
    if (!range_ok(set, n, rs->n_sets) || n == 0)
        return false;
    for (uint32_t i = 0; i < n; i++) {
        uint32_t id = rs->sets[set + i];
        if (id < first || id - first >= count)
            return false;
    }
    return true;
}

static bool quant_ok(int64_t imm, uint32_t n_slots, bool loop)
{
    return quant_kind(imm) < QK_COUNT && quant_placement(imm) <= VM_OF_IN &&
           (!loop || quant_slot(imm) < n_slots);
}

/* The operands of one instruction of rule ri. */
static bool insn_ok(const struct ruleset *rs, uint32_t ri,
                    const struct vm_insn *in)
{
    const struct rs_rule *r = &rs->rules[ri];
    uint32_t a = in->arg, n = quant_n(in->imm);
    unsigned w = a & VM_READ_WIDTH_MASK;

    switch ((enum vm_opcode)in->op) {
    case OP_JUMP: case OP_AND_JUMP: case OP_OR_JUMP:
        return a < r->code_len;
    case OP_LOOP_NEXT: case OP_LOOP_STEP:
        return a < r->code_len && (uint64_t)in->imm < r->n_slots;
    case OP_PUSH_STR: case OP_MOD_ROOT:
        return in->imm >= 0 && in->imm <= UINT32_MAX &&
               bytes_ok(rs, a, (uint32_t)in->imm);
    case OP_INT_TO_FLOAT: return a <= 1;
    case OP_CMP_I: case OP_CMP_F: return a <= CMP_NE;
    case OP_CMP_S: return a < CMP_COUNT;
    case OP_MATCHES: case OP_PUSH_REGEX: return a < rs->n_regexes;
    case OP_READ_INT:
        return (w == 1 || w == 2 || w == 4) &&
               (a & ~(VM_READ_WIDTH_MASK | VM_READ_SIGNED | VM_READ_BIG_ENDIAN)) == 0;
    case OP_EXT: return a < rs->n_externals;
    case OP_RULE: return a < ri;
    case OP_STR_FOUND: case OP_STR_COUNT: case OP_STR_COUNT_IN:
    case OP_STR_OFFSET: case OP_STR_LENGTH: case OP_STR_AT: case OP_STR_IN:
        if (a & LOOP_STRING)
            return (a & ~LOOP_STRING) < r->n_slots;
        return a >= r->first_string && a - r->first_string < r->n_strings;
    case OP_OF_STR:
        return quant_ok(in->imm, 0, false) &&
               set_ok(rs, a, n, r->first_string, r->n_strings);
    case OP_OF_RULE:
        return quant_ok(in->imm, 0, false) && set_ok(rs, a, n, 0, ri);
    case OP_LOOP_SET:
        return quant_ok(in->imm, r->n_slots, true) &&
               set_ok(rs, a, n, r->first_string, r->n_strings);
    case OP_LOOP_RANGE: case OP_LOOP_ENUM:
        return quant_ok(in->imm, r->n_slots, true);
    case OP_LOOP_OBJ:
        return quant_ok(in->imm, r->n_slots, true) &&
               quant_slot(in->imm) + 1 < r->n_slots;
    case OP_LOOP_END: case OP_LOOP_VAR:
        return a < r->n_slots;
    default:
        return in->op < OP_COUNT;
    }
}

static bool rule_ok(const struct ruleset *rs, uint32_t ri)
{
    const struct rs_rule *r = &rs->rules[ri];

    if (!str_ok(rs, r->name) || !str_ok(rs, r->ns) || !str_ok(rs, r->file) ||
        (r->flags & ~(RS_RULE_PUBLIC_FLAGS | RS_RULE_NEEDS_MATCH)) != 0 ||
        !range_ok(r->first_tag, r->n_tags, rs->n_tags) ||
        !range_ok(r->first_meta, r->n_metas, rs->n_metas) ||
        !range_ok(r->first_string, r->n_strings, rs->n_strings) ||
        !range_ok(r->code_start, r->code_len, rs->n_code) ||
        r->code_len == 0 || r->n_slots > rs->max_slots ||
        rs->code[r->code_start + r->code_len - 1].op != OP_HALT)
        return false;
    for (uint32_t i = 0; i < r->n_strings; i++) {
        if (rs->strings[r->first_string + i].rule != ri)
            return false;
    }
    for (uint32_t i = 0; i < r->code_len; i++) {
        if (!insn_ok(rs, ri, &rs->code[r->code_start + i]))
            return false;
    }
    return true;
}

enum candor_status ruleset_validate(const struct ruleset *rs)
{
    if (rs->strtab_len == 0 || rs->strtab[rs->strtab_len - 1] != '\0' ||
        rs->max_slots > RS_MAX_SLOTS)
        return CANDOR_ERROR_FORMAT;
    for (uint32_t i = 0; i < rs->n_strings; i++) {
        const struct rs_string *s = &rs->strings[i];
        if (!str_ok(rs, s->name) || s->kind > CANDOR_STRING_REGEX ||
            (s->flags & ~RS_STRING_FLAGS) != 0 || s->rule >= rs->n_rules)
            return CANDOR_ERROR_FORMAT;
    }
    for (uint32_t i = 0; i < rs->n_metas; i++) {
        const struct rs_meta *m = &rs->metas[i];
        if (!str_ok(rs, m->name) || m->type > CANDOR_META_BOOLEAN ||
            !bytes_ok(rs, m->str, m->str_len))
            return CANDOR_ERROR_FORMAT;
    }
    for (uint32_t i = 0; i < rs->n_tags; i++) {
        if (!str_ok(rs, rs->tags[i]))
            return CANDOR_ERROR_FORMAT;
    }
    for (uint32_t i = 0; i < rs->n_externals; i++) {
        const struct rs_external *x = &rs->externals[i];
        if (!str_ok(rs, x->name) || x->type > RS_EXT_STRING ||
            !bytes_ok(rs, x->str, x->str_len))
            return CANDOR_ERROR_FORMAT;
    }
    for (uint32_t i = 0; i < rs->n_regexes; i++) {
        if (!bytes_ok(rs, rs->regexes[i].pattern, rs->regexes[i].len))
            return CANDOR_ERROR_FORMAT;
    }
    for (uint32_t i = 0; i < rs->n_imports; i++) {
        if (!str_ok(rs, rs->imports[i]))
            return CANDOR_ERROR_FORMAT;
    }
    for (uint32_t i = 0; i < rs->n_rules; i++) {
        if (!rule_ok(rs, i))
            return CANDOR_ERROR_FORMAT;
    }
    return CANDOR_OK;
}

/* ---- Loading ------------------------------------------------------------ */

/* Copies a section into a new array of n elements of size elem. */
static enum candor_status take_table(struct bytes sec, size_t elem,
                                     void **out, uint32_t *n)
{
    if (sec.len % elem != 0 || sec.len / elem > UINT32_MAX)
        return CANDOR_ERROR_FORMAT;
    *n = (uint32_t)(sec.len / elem);
    *out = mem_memdup(sec.p, sec.len);
    return *out == NULL ? CANDOR_ERROR_NOMEM : CANDOR_OK;
}

static enum candor_status read_sections(struct bytes body, struct bytes *secs)
{
    struct bytes_cursor c;
    struct bytes magic;
    uint32_t version, n;

    bytes_cursor_init(&c, body);
    if (!bytes_cursor_take(&c, 8, &magic) || memcmp(magic.p, MAGIC, 8) != 0)
        return CANDOR_ERROR_FORMAT;
    version = (uint32_t)bytes_cursor_uint(&c, 4);
    n = (uint32_t)bytes_cursor_uint(&c, 4);
    if (c.failed || version != FORMAT_VERSION || n != SEC_COUNT - 1)
        return CANDOR_ERROR_FORMAT;
    for (uint32_t i = 0; i < n; i++) {
        uint32_t tag = (uint32_t)bytes_cursor_uint(&c, 4);
        uint64_t len = bytes_cursor_uint(&c, 8);
        if (c.failed || tag != i + 1 ||
            !bytes_cursor_take(&c, len, &secs[tag]))
            return CANDOR_ERROR_FORMAT;
    }
    return c.off == body.len ? CANDOR_OK : CANDOR_ERROR_FORMAT;
}

static enum candor_status take_all(struct ruleset *rs,
                                   const struct bytes *secs)
{
    enum candor_status rc;
    uint32_t n;
    uint32_t info;

    if (secs[SEC_INFO].len != 4 || !bytes_u32le(secs[SEC_INFO], 0, &info))
        return CANDOR_ERROR_FORMAT;
    rs->max_slots = info;
    if ((rc = take_table(secs[SEC_STRTAB], 1, (void **)&rs->strtab, &n)))
        return rc;
    rs->strtab_len = n;
    if ((rc = take_table(secs[SEC_RULES], sizeof(*rs->rules),
                         (void **)&rs->rules, &rs->n_rules)) ||
        (rc = take_table(secs[SEC_STRINGS], sizeof(*rs->strings),
                         (void **)&rs->strings, &rs->n_strings)) ||
        (rc = take_table(secs[SEC_METAS], sizeof(*rs->metas),
                         (void **)&rs->metas, &rs->n_metas)) ||
        (rc = take_table(secs[SEC_TAGS], sizeof(*rs->tags),
                         (void **)&rs->tags, &rs->n_tags)) ||
        (rc = take_table(secs[SEC_EXTERNALS], sizeof(*rs->externals),
                         (void **)&rs->externals, &rs->n_externals)) ||
        (rc = take_table(secs[SEC_CODE], sizeof(*rs->code),
                         (void **)&rs->code, &rs->n_code)) ||
        (rc = take_table(secs[SEC_SETS], sizeof(*rs->sets),
                         (void **)&rs->sets, &rs->n_sets)) ||
        (rc = take_table(secs[SEC_REGEXES], sizeof(*rs->regexes),
                         (void **)&rs->regexes, &rs->n_regexes)) ||
        (rc = take_table(secs[SEC_IMPORTS], sizeof(*rs->imports),
                         (void **)&rs->imports, &rs->n_imports)))
        return rc;
    return CANDOR_OK;
}

enum candor_status ruleset_load_mem(const uint8_t *p, size_t len,
                                    const uint8_t *key, size_t key_len,
                                    struct ruleset **out)
{
    struct bytes secs[SEC_COUNT];
    uint8_t digest[32];
    struct ruleset *rs;
    enum candor_status rc;

    memset(secs, 0, sizeof(secs));
    if (len < 32)
        return CANDOR_ERROR_FORMAT;
    digest_sha256(p, len - 32, digest);
    if (memcmp(digest, p + len - 32, 32) != 0)
        return CANDOR_ERROR_FORMAT;
    if ((rc = read_sections(bytes_make(p, len - 32), secs)) != CANDOR_OK)
        return rc;
    rs = mem_calloc(1, sizeof(*rs));
    if (rs == NULL)
        return CANDOR_ERROR_NOMEM;
    rc = take_all(rs, secs);
    if (rc == CANDOR_OK)
        rc = ruleset_validate(rs);
    if (rc == CANDOR_OK)
        rc = match_db_load(secs[SEC_MATCH], key, key_len, &rs->db);
    if (rc == CANDOR_OK && match_db_string_count(rs->db) != rs->n_strings)
        rc = CANDOR_ERROR_FORMAT;
    if (rc == CANDOR_OK)
        rc = ruleset_finish(rs);
    if (rc != CANDOR_OK) {
        ruleset_free(rs);
        return rc;
    }
    *out = rs;
    return CANDOR_OK;
}

enum candor_status ruleset_load(const char *path, const uint8_t *key,
                                size_t key_len, struct ruleset **out)
{
    FILE *f = fopen(path, "rb");
    struct buf b;
    char chunk[65536];
    size_t n;
    enum candor_status rc;

    if (f == NULL)
        return CANDOR_ERROR_IO;
    buf_init(&b, MAX_FILE);
    while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
        buf_append(&b, chunk, n);
    rc = ferror(f) ? CANDOR_ERROR_IO
         : b.failed ? CANDOR_ERROR_FORMAT
                    : CANDOR_OK;
    fclose(f);
    if (rc == CANDOR_OK)
        rc = ruleset_load_mem(b.data, b.len, key, key_len, out);
    buf_fini(&b);
    return rc;
}
