/*
 * match.h - finding every match of every string in one pass.
 *
 * The only part of candor that includes <hs.h> or <pcre2.h>. A builder
 * collects patterns, each tagged with the id of the rule string it belongs
 * to (compile/strings.c decides the patterns: atoms for vectorscan and
 * PCRE2 text for exact extents); match_builder_build makes an immutable
 * database shared by all threads. A scratch belongs to one thread: it holds
 * vectorscan's scratch, PCRE2 match data and the per-string match lists of
 * the last scan, valid until the next scan or match_scratch_free.
 *
 * Semantics are yara's: matches of a string are reported in order of
 * offset, overlapping ones included, at most one per start offset, at most
 * max_per_string of them (then the list is marked as overflowed, which the
 * scanner reports as yara's "too many matches").
 */
#ifndef CANDOR_MATCH_MATCH_H
#define CANDOR_MATCH_MATCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/buf.h"
#include "base/bytes.h"
#include "candor.h"

struct match_builder;
struct match_db;
struct match_scratch;

struct match {
    uint64_t offset;
    uint32_t len;
    uint8_t xor_key;
};

struct match_list {
    struct match *m;   /* sorted by offset */
    uint32_t n;
    uint32_t cap;
    bool overflow;     /* max_per_string was reached */
};

struct match_scan_opts {
    bool fast;                  /* one match per string is enough (-f) */
    uint32_t max_per_string;    /* yara: 1,000,000 */
    uint64_t deadline_ns;       /* CLOCK_MONOTONIC; 0: none */
};

enum candor_status match_builder_new(uint32_t n_strings,
                                     struct match_builder **out);
void match_builder_free(struct match_builder *b);
/* The builder is consumed (freed) whether or not building succeeds. */
enum candor_status match_builder_build(struct match_builder *b,
                                       struct match_db **out);
void match_db_free(struct match_db *db);
uint32_t match_db_string_count(const struct match_db *db);

/*
 * Serialization. save appends the patterns and the serialized vectorscan
 * databases to out, authenticated with key (HMAC-SHA256) when key_len > 0.
 * load validates every field; it deserializes the vectorscan databases only
 * when their HMAC verifies under key, and otherwise rebuilds them from the
 * validated patterns.
 */
enum candor_status match_db_save(const struct match_db *db, struct buf *out,
                                 const uint8_t *key, size_t key_len);
enum candor_status match_db_load(struct bytes in, const uint8_t *key,
                                 size_t key_len, struct match_db **out);

enum candor_status match_scratch_new(const struct match_db *db,
                                     struct match_scratch **out);
void match_scratch_free(struct match_scratch *s);

/*
 * Scans data (any length: above vectorscan's block limit it is scanned in
 * overlapping pieces with no match lost or duplicated) and fills the
 * scratch's lists. Returns CANDOR_ERROR_TIMEOUT past the deadline.
 */
enum candor_status match_scan(const struct match_db *db,
                              struct match_scratch *s, const uint8_t *data,
                              size_t len, const struct match_scan_opts *opts);
const struct match_list *match_scratch_list(const struct match_scratch *s,
                                            uint32_t string_id);

#endif
