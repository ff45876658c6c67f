/*
 * match.h - finding every match of every string in one pass.
 *
 * The only part of candor that includes <hs.h> or <pcre2.h>. A builder
 * collects patterns, each tagged with the id of the rule string it belongs
 * to (compile/strings.c decides the patterns: atoms for vectorscan and
 * PCRE2 text for exact extents); match_builder_build makes an immutable
 * database shared by all threads. A scratch belongs to one thread: it holds
 * vectorscan's scratch, PCRE2 match data and the per-string match lists of
 * the last scan, valid until the next scan or match_scratch_free. A lazy
 * scan verifies a string's regex forms only when its list is first asked
 * for, so the data must stay readable until match_scan_end.
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
    bool fast;                  /* the first match is enough for strings
                                   not marked match_scratch_keep_all */
    uint32_t max_per_string;    /* yara: 1,000,000 */
    uint64_t deadline_ns;       /* CLOCK_MONOTONIC; 0: none */
    bool lazy;                  /* verify regex forms on demand */
};

/*
 * yara's scan limit: a regex match extends at most this far forward from
 * the fixed substring (atom) that found it and starts at most this far
 * before it. Hex strings are not limited (yara chains their pieces).
 */
#define MATCH_SCAN_LIMIT 4096u

/* Pattern flags. */
#define MATCH_NOCASE 0x01u   /* ASCII case-insensitive */
#define MATCH_FULLWORD 0x02u /* no alphanumeric neighbour (for a regex: of
                                the match PCRE2 prefers, as in yara) */
#define MATCH_WIDE 0x04u     /* fullword: neighbours are 2-byte chars */
#define MATCH_HEX 0x08u      /* regex: a hex string, no MATCH_SCAN_LIMIT */

/*
 * A fixed byte string that vectorscan looks for, and where the match
 * starts relative to it: atom_start - before_max <= match start <=
 * atom_start - before_min. before_max is capped at MATCH_SCAN_LIMIT for
 * regexes (yara's backward limit); strings.c only gives hex strings atoms
 * whose before_max is at most MATCH_MAX_BEFORE.
 */
struct match_atom {
    const uint8_t *bytes;
    uint32_t len;
    bool nocase;
    uint32_t before_min, before_max;
};

#define MATCH_MAX_BEFORE 65536u
#define MATCH_MAX_ATOM 256u       /* longest atom */

/* The most strings a database holds (the scratch needs ~32 bytes each). */
#define MATCH_MAX_STRINGS (1u << 24)

/* CANDOR_ERROR_LIMIT above MATCH_MAX_STRINGS. */
enum candor_status match_builder_new(uint32_t n_strings,
                                     struct match_builder **out);
void match_builder_free(struct match_builder *b);

/*
 * The three kinds of pattern. Each belongs to the rule string string_id and
 * is one form of it (ascii, wide, one xor key, one base64 shift...); a
 * string's matches are the union of its forms', one per offset (the form
 * added first wins at an equal offset, as ascii before wide in yara).
 *
 * A literal is the bytes themselves (already xored: key is recorded in its
 * matches); vectorscan looks for bytes[atom_off, atom_off + atom_len).
 * A masked pattern matches b where (b[i] & mask[i]) == bytes[i]; its atom
 * must lie where mask is 0xff. A regex is PCRE2 text (compiled here; an
 * error comes back as CANDOR_ERROR_SYNTAX with PCRE2's message in err);
 * without atoms it is searched at every offset. Inputs are copied.
 */
enum candor_status match_builder_add_literal(struct match_builder *b,
                                             uint32_t string_id,
                                             const uint8_t *bytes,
                                             uint32_t len, unsigned flags,
                                             uint8_t xor_key,
                                             uint32_t atom_off,
                                             uint32_t atom_len);
enum candor_status match_builder_add_masked(struct match_builder *b,
                                            uint32_t string_id,
                                            const uint8_t *bytes,
                                            const uint8_t *mask, uint32_t len,
                                            unsigned flags, uint32_t atom_off,
                                            uint32_t atom_len);
enum candor_status match_builder_add_regex(struct match_builder *b,
                                           uint32_t string_id,
                                           const char *pattern, size_t len,
                                           unsigned flags,
                                           const struct match_atom *atoms,
                                           uint32_t n_atoms, char *err,
                                           size_t err_len);

/*
 * A hex string with long jumps is found the way yara finds it, as a chain
 * of pieces: each piece is an internal string with patterns of its own
 * (added with the functions above under the ids *first_piece,
 * *first_piece + 1, ...), and string_id matches where piece i + 1 starts
 * gap_min[i] to gap_max[i] bytes (MATCH_GAP_UNBOUNDED: any number) after
 * the match of piece i ends, choosing the nearest piece that completes the
 * chain. Piece ids are never visible in the scratch's lists.
 */
#define MATCH_GAP_UNBOUNDED UINT32_MAX
#define MATCH_MAX_PIECES 256u
enum candor_status match_builder_add_chain(struct match_builder *b,
                                           uint32_t string_id,
                                           uint32_t n_pieces,
                                           const uint32_t *gap_min,
                                           const uint32_t *gap_max,
                                           uint32_t *first_piece);
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

/* What a database holds, for statistics (-S) and tests. */
struct match_db_info {
    uint32_t n_literal, n_masked, n_regex; /* forms by kind */
    uint32_t n_scan_all;                   /* regex forms without atoms */
    uint32_t n_atoms;                      /* distinct vectorscan patterns */
    uint32_t n_chains;                     /* strings found as chains */
    uint64_t hs_bytes;                     /* vectorscan database size */
};
void match_db_info(const struct match_db *db, struct match_db_info *out);

enum candor_status match_scratch_new(const struct match_db *db,
                                     struct match_scratch **out);
void match_scratch_free(struct match_scratch *s);

/*
 * Scans data (any length: above vectorscan's block limit it is scanned in
 * overlapping pieces with no match lost or duplicated) and fills the
 * scratch's lists. Returns CANDOR_ERROR_TIMEOUT past the deadline.
 *
 * Without opts->lazy every list is final when it returns. With it, the one
 * vectorscan pass is done and literal and masked forms are verified, but
 * a string's regex forms (and chain) are verified when match_scratch_list
 * first asks for it; data must stay valid until match_scan_end or the next
 * scan. Either way a list holds exactly the same matches.
 */
enum candor_status match_scan(const struct match_db *db,
                              struct match_scratch *s, const uint8_t *data,
                              size_t len, const struct match_scan_opts *opts);
/* The scan's data may go: lists not yet asked for stay empty. */
void match_scan_end(struct match_scratch *s);

/*
 * The final list of a string of the last scan, verified now if the scan
 * was lazy. Verification can fail (deadline, memory): the list is then
 * incomplete and match_scratch_status says why.
 */
const struct match_list *match_scratch_list(struct match_scratch *s,
                                            uint32_t string_id);
/* True when asking for the string's list would run regex verification
 * (so conditions can look at cheaper strings first). */
bool match_scratch_pending(const struct match_scratch *s, uint32_t string_id);
/* False when the string surely has no match (no candidate is left to
 * verify and none was confirmed); verifies nothing. */
bool match_scratch_maybe(const struct match_scratch *s, uint32_t string_id);
/* Whether the string has a match starting at offset, answered without
 * verifying its whole list where the answer is surely the same as the
 * list's (`$a at pe.entry_point` then costs one anchored PCRE2 run, not a
 * search of the file): 1 yes, 0 no, -1 undecided (ask for the list).
 * Verifies nothing of the list and records nothing. */
int match_scratch_at(struct match_scratch *s, uint32_t string_id,
                     uint64_t offset);
/* Whether the string reached max_per_string, as far as it was verified;
 * any_overflow: whether any string of the scan did. */
bool match_scratch_overflow(const struct match_scratch *s, uint32_t string_id);
bool match_scratch_any_overflow(const struct match_scratch *s);
/* CANDOR_OK, or what stopped the scan or a later verification. */
enum candor_status match_scratch_status(const struct match_scratch *s);

/*
 * In fast mode a string keeps only its first match unless marked here
 * (keep true; false unmarks). The marks last across scans. The scanner
 * marks, for yara's -f, the strings yara keeps all matches of (codegen's
 * RS_STRING_FAST_ALL), and when it uses fast mode only because nobody asks
 * for matches, those whose every match the condition needs
 * (RS_STRING_NEEDS_ALL): then no result can tell.
 */
void match_scratch_keep_all(struct match_scratch *s, uint32_t string_id,
                            bool keep);

/*
 * Only matches of the string that start at offset are recorded (a literal
 * string the condition reads only as `$a at N`, codegen's RS_STRING_FIXED:
 * yara 4.2.3 verifies it nowhere else, so -s prints only that match). Mark
 * once after making the scratch; fails only when out of memory.
 */
enum candor_status match_scratch_fix_offset(struct match_scratch *s,
                                            uint32_t string_id,
                                            uint64_t offset);

/*
 * Bytes per vectorscan call (0: the most vectorscan takes, just under
 * 4 GiB). Longer data is scanned in overlapping pieces; tests make the
 * pieces small to exercise the joins.
 */
void match_scratch_set_piece_size(struct match_scratch *s, uint64_t n);

/* Counters of the last scan, for statistics and tests. */
struct match_stats {
    uint64_t atom_hits;      /* vectorscan reports */
    uint64_t verifications;  /* exact checks and PCRE2 runs */
    uint64_t limit_hits;     /* PCRE2 runs stopped by the match limit:
                                treated as "no match there" */
};
void match_scratch_stats(const struct match_scratch *s,
                         struct match_stats *out);

/*
 * A single regex for the `matches` operator: PCRE2 text (as strings.c
 * makes it), searched anywhere in a subject. Immutable once made; search
 * uses the scratch of the calling thread.
 */
struct match_regex;
enum candor_status match_regex_new(const char *pattern, size_t len,
                                   unsigned flags, struct match_regex **out,
                                   char *err, size_t err_len);
void match_regex_free(struct match_regex *re);
/* *found is true when re matches somewhere in data. A search stopped by
 * PCRE2's limits counts as no match (and as a limit hit in the stats). */
enum candor_status match_regex_search(const struct match_regex *re,
                                      struct match_scratch *s,
                                      const uint8_t *data, size_t len,
                                      bool *found);

#endif
