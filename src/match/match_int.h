/*
 * match_int.h - the pattern database inside src/match (not for other layers).
 *
 * A database is a table of forms (one way a rule string can appear: a
 * literal, a masked byte pattern or a PCRE2 regex), a table of distinct
 * atoms (what vectorscan searches for; its pattern id is the atom index),
 * and links from each atom to the forms that use it with the place of the
 * match start relative to the atom. Every byte string lives in one blob.
 * All of it is immutable once built and shared by the threads scanning.
 */
#ifndef CANDOR_MATCH_INT_H
#define CANDOR_MATCH_INT_H

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pthread.h>
#include <stdatomic.h>
#include <hs.h>
#include <pcre2.h>

#include "match/match.h"

enum form_kind { FORM_LITERAL, FORM_MASKED, FORM_REGEX };

struct form {
    uint32_t string_id;
    uint8_t kind;       /* enum form_kind */
    uint8_t flags;      /* MATCH_* */
    uint8_t xor_key;
    uint8_t can_be_empty; /* REGEX: PCRE2 may match the empty string */
    uint32_t off, len;  /* bytes (MASKED: bytes then mask) or PCRE2 text */
    uint32_t max_len;   /* REGEX: longest match yara would report */
};

struct link {
    uint32_t form;
    uint32_t before_min, before_max; /* atom start - match start */
};

/* A string matched as a chain of pieces (internal string ids). */
struct chain {
    uint32_t string_id;
    uint32_t first_piece, n_pieces;
    uint32_t first_gap;           /* n_pieces - 1 gaps in match_db.gaps */
};

struct gap {
    uint32_t min, max;            /* max MATCH_GAP_UNBOUNDED: no bound */
};

struct atom {
    uint32_t off, len;  /* bytes in the blob */
    uint32_t first_link, n_links;
    uint8_t nocase;
};

struct match_db {
    uint32_t n_strings;       /* the caller's strings */
    uint32_t n_ids;           /* and after them the chain pieces */
    struct chain *chains;
    uint32_t n_chains;
    struct gap *gaps;
    uint32_t n_gaps;
    struct form *forms;
    uint32_t n_forms;
    struct atom *atoms;
    uint32_t n_atoms;
    struct link *links;
    uint32_t n_links;
    uint8_t *blob;
    uint32_t blob_len;
    uint32_t *scan_all;      /* REGEX forms without atoms, in form order */
    uint32_t n_scan_all;
    uint32_t max_atom_len;
    pcre2_code **codes;      /* per form; NULL unless FORM_REGEX */
    atomic_uchar *jitted;    /* per form: codes[i] went through the JIT */
    pthread_mutex_t *jit_lock; /* taken to JIT-compile a code, once */
    hs_database_t *hs;       /* NULL when there is no atom */
};

/* Limits on PCRE2 per verification (documented in docs/matching.md). */
#define MATCH_PCRE_MATCH_LIMIT 200000u
#define MATCH_PCRE_DEPTH_LIMIT 10000u
#define MATCH_PCRE_HEAP_LIMIT_KB 65536u

/* Compiles one regex form's text; on failure writes PCRE2's message.
 * The JIT compilation is left to match_form_code (most forms of a large
 * rule set never reach PCRE2 in a scan, and JIT-compiling them all was
 * most of the time a compiled rule set took to load). */
enum candor_status match_pcre_compile(const char *pattern, size_t len,
                                      unsigned flags, pcre2_code **out,
                                      char *err, size_t err_len);

/* Regex form fi's code, JIT-compiled on its first use by any thread
 * (scanners share db; the lock is taken once per form). */
const pcre2_code *match_form_code(const struct match_db *db, uint32_t fi);

/* Compiles the vectorscan database of db's atoms (db->hs stays NULL when
 * there are none). */
enum candor_status match_db_compile_hs(struct match_db *db);

/* Compiles every regex form and derives scan_all and max_atom_len. */
enum candor_status match_db_finish(struct match_db *db);

/* The PCRE2 state of a scratch (scan.c owns the struct), for regex.c. */
void match_scratch_pcre(struct match_scratch *s, pcre2_match_data **md,
                        pcre2_match_context **mc, struct match_stats **st);

#endif
