/*
 * candor.h - the public API of libcandor.
 *
 * candor checks IT products for what must not be in them. This header is
 * the rule engine's surface: a compiler turns YARA rule sources into an
 * immutable rule set; a scanner runs a rule set over data and reports, by
 * callback, every rule that matched (or did not) with its strings' matches.
 *
 *   compiler --candor_compiler_get_rules--> rules --candor_scanner_new--> scanner
 *
 * Lifetimes. Every handle is opaque and is freed by its own *_free function.
 * A rule set is immutable once made and may be shared by any number of
 * scanners in any number of threads. A scanner belongs to one thread at a
 * time. Pointers handed to a scan callback (rules, strings, matches, match
 * data) are valid only until the callback returns, except rule, string and
 * meta handles, which live as long as their rule set.
 *
 * Errors. Every fallible function returns enum candor_status; results go out
 * through pointer arguments, which are left untouched on failure.
 */
#ifndef CANDOR_H
#define CANDOR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define CANDOR_VERSION "0.1.0"

enum candor_status {
    CANDOR_OK = 0,
    CANDOR_ERROR_NOMEM,       /* an allocation failed */
    CANDOR_ERROR_IO,          /* a file could not be opened or read */
    CANDOR_ERROR_SYNTAX,      /* rule sources had errors (see diagnostics) */
    CANDOR_ERROR_FORMAT,      /* a compiled-rules file is corrupt or foreign */
    CANDOR_ERROR_TIMEOUT,     /* a scan ran past its time limit */
    CANDOR_ERROR_LIMIT,       /* a configured limit was reached */
    CANDOR_ERROR_ARGUMENT,    /* a caller passed an invalid argument */
    CANDOR_ERROR_UNSUPPORTED, /* a feature this build does not have */
    CANDOR_ERROR_INTERNAL,    /* a bug: an invariant did not hold */
    CANDOR_ERROR_CALLBACK,    /* the callback asked to abort the scan */
};

/* A static English description of a status, never NULL. */
const char *candor_status_str(enum candor_status status);

/* ---- Compiler --------------------------------------------------------- */

struct candor_compiler;
struct candor_rules;

enum candor_diag_level { CANDOR_DIAG_WARNING, CANDOR_DIAG_ERROR };

/*
 * One compiler diagnostic. file is the source name as given (or the include
 * path), line is 1-based (0 when unknown), rule is the rule the message is
 * about or NULL when the message is about the source text itself. The
 * strings are valid only during the callback.
 */
struct candor_diag {
    enum candor_diag_level level;
    const char *file;
    int line;
    const char *rule;
    const char *message;
};

typedef void (*candor_diag_fn)(void *ctx, const struct candor_diag *diag);

enum candor_status candor_compiler_new(struct candor_compiler **out);
void candor_compiler_free(struct candor_compiler *c);

/* Diagnostics go to fn as they are found; without one they are dropped. */
void candor_compiler_set_diag(struct candor_compiler *c, candor_diag_fn fn,
                              void *ctx);

/* The most strings one rule may have (yara's default is 10,000). */
void candor_compiler_set_max_strings(struct candor_compiler *c, uint32_t n);

/*
 * External variables: declared before the sources that use them; their
 * values are the defaults of the compiled rule set and may be overridden
 * per scanner. A name defined twice keeps the last value.
 */
enum candor_status candor_compiler_define_integer(struct candor_compiler *c,
                                                  const char *name,
                                                  int64_t value);
enum candor_status candor_compiler_define_float(struct candor_compiler *c,
                                                const char *name, double value);
enum candor_status candor_compiler_define_boolean(struct candor_compiler *c,
                                                  const char *name, bool value);
enum candor_status candor_compiler_define_string(struct candor_compiler *c,
                                                 const char *name,
                                                 const char *value);

/*
 * Adds rule sources. ns is the namespace ("default" when NULL); name is
 * the name used in diagnostics and as the base for relative includes.
 * Returns CANDOR_ERROR_SYNTAX when the source had errors; the compiler then
 * refuses candor_compiler_get_rules, as yara does, but further sources can
 * still be added so that all their errors are reported.
 */
enum candor_status candor_compiler_add_file(struct candor_compiler *c,
                                            const char *path, const char *ns);
enum candor_status candor_compiler_add_string(struct candor_compiler *c,
                                              const char *source,
                                              const char *name,
                                              const char *ns);

/* Number of errors and warnings reported so far. */
int candor_compiler_errors(const struct candor_compiler *c);
int candor_compiler_warnings(const struct candor_compiler *c);

/*
 * Builds the rule set from everything added. May be called once; the
 * compiler can only be freed afterwards. Fails with CANDOR_ERROR_SYNTAX when
 * any source had errors.
 */
enum candor_status candor_compiler_get_rules(struct candor_compiler *c,
                                             struct candor_rules **out);

/* ---- Rules ------------------------------------------------------------ */

struct candor_rules;
struct candor_rule;
struct candor_string;

/*
 * Compiled rules on disk. The file carries its own integrity check; a file
 * that fails it, or any of its sections' validation, is refused with
 * CANDOR_ERROR_FORMAT. key/key_len authenticate the prebuilt pattern
 * databases inside (HMAC-SHA256); with a NULL key, or when the key does not
 * match, the loader rebuilds those databases from the validated patterns,
 * which is safe but slower.
 */
enum candor_status candor_rules_save(const struct candor_rules *rules,
                                     const char *path, const uint8_t *key,
                                     size_t key_len);
enum candor_status candor_rules_load(const char *path, const uint8_t *key,
                                     size_t key_len,
                                     struct candor_rules **out);
void candor_rules_free(struct candor_rules *rules);

size_t candor_rules_count(const struct candor_rules *rules);
/* Whether the rules import the module of that name. */
bool candor_rules_imports(const struct candor_rules *rules,
                          const char *module);
const struct candor_rule *candor_rules_get(const struct candor_rules *rules,
                                           size_t i);
/* Totals for statistics (-S). */
size_t candor_rules_string_count(const struct candor_rules *rules);

/* Rule accessors. */
#define CANDOR_RULE_PRIVATE 0x1u
#define CANDOR_RULE_GLOBAL 0x2u
const char *candor_rule_name(const struct candor_rule *r);
const char *candor_rule_namespace(const struct candor_rule *r);
unsigned candor_rule_flags(const struct candor_rule *r);
size_t candor_rule_tag_count(const struct candor_rule *r);
const char *candor_rule_tag(const struct candor_rule *r, size_t i);

enum candor_meta_type {
    CANDOR_META_INTEGER,
    CANDOR_META_STRING,
    CANDOR_META_BOOLEAN,
};
struct candor_meta {
    const char *name;
    enum candor_meta_type type;
    int64_t integer; /* integer value, or 0/1 for booleans */
    const char *string; /* string value, NUL-terminated... */
    size_t string_len;  /* ...but may hold NULs: use this length */
};
size_t candor_rule_meta_count(const struct candor_rule *r);
const struct candor_meta *candor_rule_meta(const struct candor_rule *r,
                                           size_t i);

size_t candor_rule_string_count(const struct candor_rule *r);
const struct candor_string *candor_rule_string(const struct candor_rule *r,
                                               size_t i);

enum candor_string_kind {
    CANDOR_STRING_TEXT,
    CANDOR_STRING_HEX,
    CANDOR_STRING_REGEX,
};
/* The identifier including its '$' ("$" for anonymous strings). */
const char *candor_string_name(const struct candor_string *s);
enum candor_string_kind candor_string_kind(const struct candor_string *s);
bool candor_string_is_private(const struct candor_string *s);

/* ---- Scanner ---------------------------------------------------------- */

struct candor_scanner;

/* One match of a string, valid during the callback. */
struct candor_match {
    uint64_t offset;     /* where the match starts in the scanned data */
    uint32_t length;     /* length of the match */
    const uint8_t *data; /* the matched bytes, at most data_len of them */
    uint32_t data_len;   /* min(length, the match-data cap) */
    uint8_t xor_key;     /* the key for xor strings, else 0 */
};

enum candor_event {
    CANDOR_EVENT_RULE_MATCHING,     /* rule is set */
    CANDOR_EVENT_RULE_NOT_MATCHING, /* rule is set */
    CANDOR_EVENT_TOO_MANY_MATCHES,  /* rule and string are set */
    CANDOR_EVENT_SCAN_FINISHED,
};

/* Return 0 to continue, non-zero to abort the scan (CANDOR_ERROR_CALLBACK). */
typedef int (*candor_scan_fn)(void *ctx, enum candor_event event,
                              const struct candor_rule *rule,
                              const struct candor_string *string);

enum candor_status candor_scanner_new(const struct candor_rules *rules,
                                      struct candor_scanner **out);
void candor_scanner_free(struct candor_scanner *s);

void candor_scanner_set_callback(struct candor_scanner *s, candor_scan_fn fn,
                                 void *ctx);
/*
 * Lines written by the console module (console.log, console.hex) while
 * conditions run: one call per line, without its newline; text is valid
 * only during the call. Without a function they are dropped.
 */
typedef void (*candor_text_fn)(void *ctx, const char *text, size_t len);
void candor_scanner_set_console(struct candor_scanner *s, candor_text_fn fn,
                                void *ctx);
/*
 * With a function set, each scan first hands it the values of every module
 * the rules import, in import order, as yara's -D prints them: one call per
 * module, the text ending in a newline.
 */
void candor_scanner_set_module_data(struct candor_scanner *s,
                                    candor_text_fn fn, void *ctx);
/*
 * Data for a module, as yara's -x MODULE=FILE gives it (the cuckoo
 * module's sandbox report). Borrowed: it must outlive the scans.
 * CANDOR_ERROR_ARGUMENT when there is no such module or it takes no data;
 * CANDOR_ERROR_FORMAT when the module cannot read it (nothing is set).
 */
enum candor_status candor_scanner_set_module_input(struct candor_scanner *s,
                                                   const char *module,
                                                   const uint8_t *data,
                                                   size_t len);

/* Seconds; 0 means no limit. A scan past it fails with ..._TIMEOUT. */
void candor_scanner_set_timeout(struct candor_scanner *s, unsigned seconds);

#define CANDOR_SCAN_FAST 0x1u /* first match of each string only (-f) */
#define CANDOR_SCAN_REPORT_NOT_MATCHING 0x2u /* also send NOT_MATCHING */
/* The callback will not ask for matches: a string whose every use is
 * whether it exists may stop at its first match, and the "too many
 * matches" event cannot come for it (docs/compat.md). Rule results are
 * the same. */
#define CANDOR_SCAN_RULES_ONLY 0x4u
void candor_scanner_set_flags(struct candor_scanner *s, unsigned flags);
/* Stop after this many matching rules were reported (0: no limit). */
void candor_scanner_set_max_rules(struct candor_scanner *s, uint32_t n);

/* Per-scanner values of external variables declared at compile time. */
enum candor_status candor_scanner_define_integer(struct candor_scanner *s,
                                                 const char *name,
                                                 int64_t value);
enum candor_status candor_scanner_define_float(struct candor_scanner *s,
                                               const char *name, double value);
enum candor_status candor_scanner_define_boolean(struct candor_scanner *s,
                                                 const char *name, bool value);
enum candor_status candor_scanner_define_string(struct candor_scanner *s,
                                                const char *name,
                                                const char *value);

enum candor_status candor_scanner_scan_mem(struct candor_scanner *s,
                                           const uint8_t *data, size_t len);
/* Reads path (a file up to 16 MiB into a buffer the scanner keeps, a larger
 * one memory-mapped). */
enum candor_status candor_scanner_scan_file(struct candor_scanner *s,
                                            const char *path);

/*
 * During a callback: the matches of a string of the rule being reported.
 * *out points into the scanner and is valid until the callback returns.
 */
size_t candor_scanner_matches(const struct candor_scanner *s,
                              const struct candor_string *string,
                              const struct candor_match **out);

#ifdef __cplusplus
}
#endif
#endif /* CANDOR_H */
