/*
 * serial.c - the database on disk.
 *
 * Layout (little-endian):
 *   "CNDMATCH" u32 version u32 n_strings u32 n_ids u32 n_chains u32 n_gaps
 *   u32 n_forms u32 n_atoms u32 n_links u32 blob_len
 *   chains n_chains x (u32 string_id, u32 first_piece, u32 n_pieces,
 *                      u32 first_gap)
 *   gaps   n_gaps   x (u32 min, u32 max)
 *   forms  n_forms  x (u32 string_id, u8 kind, u8 flags, u8 xor_key,
 *                      u8 reserved, u32 off, u32 len)
 *   atoms  n_atoms  x (u32 off, u32 len, u32 n_links, u8 nocase)
 *   links  n_links  x (u32 form, u32 before_min, u32 before_max)
 *   blob   blob_len bytes
 *   u64 hs_len, hs_len bytes of hs_serialize_database output
 *   u8 has_mac [32 bytes HMAC-SHA256(key, every byte before has_mac)]
 *
 * Loading trusts nothing: every count is bounded by the input, every
 * offset lands in the blob, every link in the tables, every regex
 * recompiles; derived fields (link ranges, max_len, can_be_empty) are
 * recomputed, not read. The vectorscan bytes are deserialized only when
 * the MAC verifies under the caller's key; otherwise (no key, no MAC,
 * wrong key, or a platform vectorscan refuses) the database is compiled
 * again from the validated atoms.
 */
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

#include "base/digest.h"
#include "base/mem.h"
#include "match/match_int.h"

#define MAGIC "CNDMATCH"
#define VERSION 1u
#define MAC_LEN DIGEST_SHA256_LEN

static void put_u8(struct buf *out, uint8_t v)
{
    buf_putc(out, v);
}

enum candor_status match_db_save(const struct match_db *db, struct buf *out,
                                 const uint8_t *key, size_t key_len)
{
    size_t start = out->len;
    char *hs_bytes = NULL;
    size_t hs_len = 0;

    if (key_len > INT_MAX)
        return CANDOR_ERROR_ARGUMENT;
    if (key_len > 0 && db->hs != NULL &&
        hs_serialize_database(db->hs, &hs_bytes, &hs_len) != HS_SUCCESS)
        return CANDOR_ERROR_NOMEM;
    buf_append(out, MAGIC, 8);
    buf_put_u32(out, VERSION);
    buf_put_u32(out, db->n_strings);
    buf_put_u32(out, db->n_ids);
    buf_put_u32(out, db->n_chains);
    buf_put_u32(out, db->n_gaps);
    buf_put_u32(out, db->n_forms);
    buf_put_u32(out, db->n_atoms);
    buf_put_u32(out, db->n_links);
    buf_put_u32(out, db->blob_len);
    for (uint32_t i = 0; i < db->n_chains; i++) {
        buf_put_u32(out, db->chains[i].string_id);
        buf_put_u32(out, db->chains[i].first_piece);
        buf_put_u32(out, db->chains[i].n_pieces);
        buf_put_u32(out, db->chains[i].first_gap);
    }
    for (uint32_t i = 0; i < db->n_gaps; i++) {
        buf_put_u32(out, db->gaps[i].min);
        buf_put_u32(out, db->gaps[i].max);
    }
    for (uint32_t i = 0; i < db->n_forms; i++) {
        const struct form *f = &db->forms[i];
        buf_put_u32(out, f->string_id);
        put_u8(out, f->kind);
        put_u8(out, f->flags);
        put_u8(out, f->xor_key);
        put_u8(out, 0);
        buf_put_u32(out, f->off);
        buf_put_u32(out, f->len);
    }
    for (uint32_t i = 0; i < db->n_atoms; i++) {
        const struct atom *a = &db->atoms[i];
        buf_put_u32(out, a->off);
        buf_put_u32(out, a->len);
        buf_put_u32(out, a->n_links);
        put_u8(out, a->nocase);
    }
    for (uint32_t i = 0; i < db->n_links; i++) {
        buf_put_u32(out, db->links[i].form);
        buf_put_u32(out, db->links[i].before_min);
        buf_put_u32(out, db->links[i].before_max);
    }
    buf_append(out, db->blob, db->blob_len);
    buf_put_u64(out, hs_len);
    buf_append(out, hs_bytes, hs_len);
    free(hs_bytes); /* vectorscan allocates it with malloc */
    put_u8(out, key_len > 0 ? 1 : 0);
    if (key_len > 0 && !out->failed) {
        uint8_t mac[MAC_LEN];
        digest_hmac_sha256(key, key_len, out->data + start, out->len - start,
                           mac);
        buf_append(out, mac, MAC_LEN);
    }
    return out->failed ? CANDOR_ERROR_NOMEM : CANDOR_OK;
}

static bool range_ok(uint32_t off, uint64_t len, uint32_t total)
{
    return off <= total && len <= (uint64_t)(total - off);
}

static enum candor_status read_forms(struct bytes_cursor *c,
                                     struct match_db *db)
{
    for (uint32_t i = 0; i < db->n_forms; i++) {
        struct form *f = &db->forms[i];
        unsigned allowed;

        f->string_id = (uint32_t)bytes_cursor_uint(c, 4);
        f->kind = (uint8_t)bytes_cursor_uint(c, 1);
        f->flags = (uint8_t)bytes_cursor_uint(c, 1);
        f->xor_key = (uint8_t)bytes_cursor_uint(c, 1);
        (void)bytes_cursor_uint(c, 1);
        f->off = (uint32_t)bytes_cursor_uint(c, 4);
        f->len = (uint32_t)bytes_cursor_uint(c, 4);
        allowed = f->kind == FORM_LITERAL
                      ? MATCH_NOCASE | MATCH_FULLWORD | MATCH_WIDE
                  : f->kind == FORM_REGEX
                      ? MATCH_NOCASE | MATCH_HEX | MATCH_FULLWORD | MATCH_WIDE
                                          : 0;
        if (c->failed || f->string_id >= db->n_ids ||
            f->kind > FORM_REGEX || (f->flags & ~allowed) != 0 ||
            (f->kind != FORM_REGEX && f->len == 0) ||
            !range_ok(f->off,
                      (uint64_t)f->len * (f->kind == FORM_MASKED ? 2 : 1),
                      db->blob_len))
            return CANDOR_ERROR_FORMAT;
        if (f->kind != FORM_REGEX && f->xor_key != 0 &&
            f->kind != FORM_LITERAL)
            return CANDOR_ERROR_FORMAT;
    }
    return CANDOR_OK;
}

/* Chains own consecutive pieces after the strings, and consecutive gaps,
 * in order: the layout the builder makes, and the only one accepted. */
static enum candor_status read_chains(struct bytes_cursor *c,
                                      struct match_db *db)
{
    uint64_t piece = db->n_strings, gap = 0;

    for (uint32_t i = 0; i < db->n_chains; i++) {
        struct chain *ch = &db->chains[i];
        ch->string_id = (uint32_t)bytes_cursor_uint(c, 4);
        ch->first_piece = (uint32_t)bytes_cursor_uint(c, 4);
        ch->n_pieces = (uint32_t)bytes_cursor_uint(c, 4);
        ch->first_gap = (uint32_t)bytes_cursor_uint(c, 4);
        if (c->failed || ch->string_id >= db->n_strings ||
            ch->first_piece < db->n_strings || ch->n_pieces < 2 ||
            ch->n_pieces > MATCH_MAX_PIECES ||
            ch->first_piece > db->n_ids - ch->n_pieces ||
            ch->first_gap > db->n_gaps ||
            ch->n_pieces - 1 > db->n_gaps - ch->first_gap ||
            ch->first_piece != piece || ch->first_gap != gap)
            return CANDOR_ERROR_FORMAT;
        piece += ch->n_pieces;
        gap += ch->n_pieces - 1;
    }
    if (piece != db->n_ids || gap != db->n_gaps)
        return CANDOR_ERROR_FORMAT;
    for (uint32_t i = 0; i < db->n_gaps; i++) {
        db->gaps[i].min = (uint32_t)bytes_cursor_uint(c, 4);
        db->gaps[i].max = (uint32_t)bytes_cursor_uint(c, 4);
        if (c->failed || db->gaps[i].min > db->gaps[i].max)
            return CANDOR_ERROR_FORMAT;
    }
    return CANDOR_OK;
}

static enum candor_status read_atoms_links(struct bytes_cursor *c,
                                           struct match_db *db)
{
    uint64_t at = 0;

    for (uint32_t i = 0; i < db->n_atoms; i++) {
        struct atom *a = &db->atoms[i];
        a->off = (uint32_t)bytes_cursor_uint(c, 4);
        a->len = (uint32_t)bytes_cursor_uint(c, 4);
        a->n_links = (uint32_t)bytes_cursor_uint(c, 4);
        a->nocase = (uint8_t)bytes_cursor_uint(c, 1);
        if (c->failed || a->len == 0 || a->len > MATCH_MAX_ATOM ||
            a->nocase > 1 || !range_ok(a->off, a->len, db->blob_len) ||
            a->n_links > db->n_links - at)
            return CANDOR_ERROR_FORMAT;
        a->first_link = (uint32_t)at;
        at += a->n_links;
    }
    if (at != db->n_links)
        return CANDOR_ERROR_FORMAT;
    for (uint32_t i = 0; i < db->n_links; i++) {
        struct link *l = &db->links[i];
        const struct form *f;
        l->form = (uint32_t)bytes_cursor_uint(c, 4);
        l->before_min = (uint32_t)bytes_cursor_uint(c, 4);
        l->before_max = (uint32_t)bytes_cursor_uint(c, 4);
        if (c->failed || l->form >= db->n_forms ||
            l->before_min > l->before_max)
            return CANDOR_ERROR_FORMAT;
        f = &db->forms[l->form];
        if (f->kind != FORM_REGEX && (l->before_min != l->before_max ||
                                      l->before_min >= f->len))
            return CANDOR_ERROR_FORMAT;
        if (f->kind == FORM_REGEX &&
            l->before_max > ((f->flags & MATCH_HEX) ? MATCH_MAX_BEFORE
                                                    : MATCH_SCAN_LIMIT))
            return CANDOR_ERROR_FORMAT;
    }
    return CANDOR_OK;
}

/* A literal's or masked pattern's atom must be the bytes it stands for. */
static bool atoms_agree(const struct match_db *db)
{
    for (uint32_t i = 0; i < db->n_atoms; i++) {
        const struct atom *a = &db->atoms[i];
        for (uint32_t k = 0; k < a->n_links; k++) {
            const struct link *l = &db->links[a->first_link + k];
            const struct form *f = &db->forms[l->form];
            const uint8_t *p = db->blob + f->off + l->before_min;
            if (f->kind == FORM_REGEX)
                continue;
            if (a->len > f->len - l->before_min ||
                a->nocase != ((f->flags & MATCH_NOCASE) != 0) ||
                memcmp(p, db->blob + a->off, a->len) != 0)
                return false;
            for (uint32_t j = 0; f->kind == FORM_MASKED && j < a->len; j++)
                if (p[f->len + j] != 0xff)
                    return false;
        }
    }
    return true;
}

/* Recompiles the regexes and recomputes what the file does not carry. */
static enum candor_status derive(struct match_db *db)
{
    if (!atoms_agree(db))
        return CANDOR_ERROR_FORMAT;
    db->codes = mem_calloc(db->n_forms ? db->n_forms : 1, sizeof(*db->codes));
    if (db->codes == NULL)
        return CANDOR_ERROR_NOMEM;
    for (uint32_t i = 0; i < db->n_forms; i++) {
        struct form *f = &db->forms[i];
        uint32_t minlen = 0;
        enum candor_status rc;
        char err[8];

        if (f->kind != FORM_REGEX)
            continue;
        rc = match_pcre_compile((const char *)db->blob + f->off, f->len,
                                f->flags, &db->codes[i], err, sizeof(err));
        if (rc != CANDOR_OK)
            return rc == CANDOR_ERROR_NOMEM ? rc : CANDOR_ERROR_FORMAT;
        if (pcre2_pattern_info(db->codes[i], PCRE2_INFO_MINLENGTH, &minlen) ==
            0)
            f->can_be_empty = minlen == 0;
        f->max_len = (f->flags & MATCH_HEX) ? UINT32_MAX : MATCH_SCAN_LIMIT;
    }
    for (uint32_t i = 0; i < db->n_links; i++) {
        struct form *f = &db->forms[db->links[i].form];
        if (f->kind == FORM_REGEX && !(f->flags & MATCH_HEX) &&
            MATCH_SCAN_LIMIT + db->links[i].before_max > f->max_len)
            f->max_len = MATCH_SCAN_LIMIT + db->links[i].before_max;
    }
    return match_db_finish(db);
}

/* Deserializes the vectorscan bytes when the MAC over [0, mac_at) holds. */
static bool trusted_hs(struct bytes in, size_t mac_at, struct bytes hs,
                       const uint8_t *key, size_t key_len,
                       struct match_db *db)
{
    uint8_t mac[MAC_LEN];
    size_t size = 0;

    if (key_len == 0 || key_len > INT_MAX || hs.len == 0 ||
        mac_at + 1 + MAC_LEN != in.len ||
        in.p[mac_at] != 1)
        return false;
    digest_hmac_sha256(key, key_len, in.p, mac_at + 1, mac);
    if (CRYPTO_memcmp(mac, in.p + mac_at + 1, MAC_LEN) != 0)
        return false;
    if (hs_serialized_database_size((const char *)hs.p, hs.len, &size) !=
            HS_SUCCESS ||
        hs_deserialize_database((const char *)hs.p, hs.len, &db->hs) !=
            HS_SUCCESS) {
        db->hs = NULL;
        return false;
    }
    return true;
}

static enum candor_status load(struct bytes in, const uint8_t *key,
                               size_t key_len, struct match_db *db)
{
    struct bytes_cursor c;
    struct bytes magic, blob, hs;
    uint64_t hs_len, tail;
    enum candor_status rc;

    bytes_cursor_init(&c, in);
    if (!bytes_cursor_take(&c, 8, &magic) || memcmp(magic.p, MAGIC, 8) != 0 ||
        bytes_cursor_uint(&c, 4) != VERSION)
        return CANDOR_ERROR_FORMAT;
    db->n_strings = (uint32_t)bytes_cursor_uint(&c, 4);
    db->n_ids = (uint32_t)bytes_cursor_uint(&c, 4);
    db->n_chains = (uint32_t)bytes_cursor_uint(&c, 4);
    db->n_gaps = (uint32_t)bytes_cursor_uint(&c, 4);
    db->n_forms = (uint32_t)bytes_cursor_uint(&c, 4);
    db->n_atoms = (uint32_t)bytes_cursor_uint(&c, 4);
    db->n_links = (uint32_t)bytes_cursor_uint(&c, 4);
    db->blob_len = (uint32_t)bytes_cursor_uint(&c, 4);
    /* Every record takes at least 12 bytes: counts cannot exceed that. */
    if (c.failed || db->n_forms > in.len / 12 || db->n_atoms > in.len / 12 ||
        db->n_links > in.len / 12 || db->blob_len > in.len ||
        db->n_strings > MATCH_MAX_STRINGS || db->n_ids < db->n_strings ||
        db->n_ids - db->n_strings > in.len || db->n_chains > in.len / 16 ||
        db->n_gaps > in.len / 8)
        return CANDOR_ERROR_FORMAT;
    db->chains = mem_calloc(db->n_chains ? db->n_chains : 1,
                            sizeof(*db->chains));
    db->gaps = mem_calloc(db->n_gaps ? db->n_gaps : 1, sizeof(*db->gaps));
    if (db->chains == NULL || db->gaps == NULL)
        return CANDOR_ERROR_NOMEM;
    db->forms = mem_calloc(db->n_forms ? db->n_forms : 1, sizeof(*db->forms));
    db->atoms = mem_calloc(db->n_atoms ? db->n_atoms : 1, sizeof(*db->atoms));
    db->links = mem_calloc(db->n_links ? db->n_links : 1, sizeof(*db->links));
    if (db->forms == NULL || db->atoms == NULL || db->links == NULL)
        return CANDOR_ERROR_NOMEM;
    rc = read_chains(&c, db);
    if (rc == CANDOR_OK)
        rc = read_forms(&c, db);
    if (rc == CANDOR_OK)
        rc = read_atoms_links(&c, db);
    if (rc != CANDOR_OK)
        return rc;
    if (!bytes_cursor_take(&c, db->blob_len, &blob))
        return CANDOR_ERROR_FORMAT;
    db->blob = mem_memdup(blob.p, blob.len);
    if (db->blob == NULL)
        return CANDOR_ERROR_NOMEM;
    hs_len = bytes_cursor_uint(&c, 8);
    if (c.failed || !bytes_cursor_take(&c, hs_len, &hs))
        return CANDOR_ERROR_FORMAT;
    tail = in.len - c.off;
    if (tail != 1 && tail != 1 + MAC_LEN)
        return CANDOR_ERROR_FORMAT;
    rc = derive(db);
    if (rc != CANDOR_OK)
        return rc;
    if (!trusted_hs(in, (size_t)c.off, hs, key, key_len, db))
        rc = match_db_compile_hs(db);
    return rc;
}

enum candor_status match_db_load(struct bytes in, const uint8_t *key,
                                 size_t key_len, struct match_db **out)
{
    struct match_db *db = mem_calloc(1, sizeof(*db));
    enum candor_status rc;

    if (db == NULL)
        return CANDOR_ERROR_NOMEM;
    rc = load(in, key, key_len, db);
    if (rc != CANDOR_OK) {
        match_db_free(db);
        return rc;
    }
    *out = db;
    return CANDOR_OK;
}
