/*
 * parser_int.h - the parser's state, shared by its files:
 *   parser.c       sources, includes, tokens, errors and recovery, imports
 *   parser_rule.c  rules: tags, meta, strings and their modifiers
 *   parser_expr.c  boolean expressions: of, for, string and rule sets
 *   parser_prim.c  primary expressions: arithmetic, identifiers, types
 * Not for use outside src/rules.
 *
 * The parser mimics yara's bison parser where users can see it: which
 * token a message's line comes from (a token is read only when yara's
 * parser would have needed it as lookahead), which rule a message names,
 * and which errors are silenced after a syntax error. See docs/rules.md.
 */
#ifndef CANDOR_RULES_PARSER_INT_H
#define CANDOR_RULES_PARSER_INT_H

#include <stdbool.h>

#include "base/map.h"
#include "base/vec.h"
#include "rules/ast.h"
#include "rules/lexer.h"
#include "rules/parser.h"

#define PARSER_MAX_SOURCES 64   /* include stack, whatever opts says */
#define PARSER_MAX_LOOPS 4      /* yara's loop nesting limit */
#define PARSER_MAX_LOOP_VARS 2  /* variables of one for..in loop */
#define PARSER_MAX_DEPTH 1000   /* nested parentheses and operators */

/* rule_names values that are not rule indices (see parser_rule.c). */
#define PARSER_NAME_FAILED UINT64_MAX       /* declared, had errors */
#define PARSER_NAME_WILDCARD (UINT64_MAX - 1) /* "ns:prefix*" was used */

struct parser_source {
    struct lexer lx;
    const char *name;       /* the path used in messages */
    char *owned;            /* the text of an included file (mem_free) */
};

struct parser_var {
    const char *name;
    int32_t slot;
    bool pending;           /* declared, its iterator not parsed yet */
    enum ast_type type;
    const struct mod_decl *decl; /* over a module's array or dictionary */
    bool decl_elem;
};

struct parser {
    struct ast_program *prog;
    struct diag_sink *diag;
    const struct parser_opts *opts;
    const char *ns;
    uint32_t ns_index;

    struct parser_source src[PARSER_MAX_SOURCES];
    unsigned n_src;
    struct token tok;       /* the lookahead, when have_tok */
    bool have_tok;
    int line;               /* line of the last token read; 0 after EOF */
    int fixed_line;         /* line of the string being declared, or 0 */
    int errstatus;          /* tokens to shift before syntax errors show */
    bool recovering;        /* skipping tokens up to the next rule */
    bool stop;              /* a lexical error: the sources end here */
    bool nomem;             /* sticky: an allocation failed */
    const char *cur_rule;   /* named in messages; stale after a failed rule,
                               as in yara */

    /* The rule being parsed. */
    struct ast_rule *rule;
    struct vec strings;     /* struct ast_string */
    struct map string_ids;  /* "$id" -> index in strings */
    struct vec metas;       /* struct ast_meta */
    struct vec tags;        /* const char * */
    struct map tag_ids;     /* tag -> 1, for duplicates */

    /* Its condition. */
    struct parser_var vars[PARSER_MAX_LOOPS * PARSER_MAX_LOOP_VARS];
    unsigned n_vars;
    unsigned n_loops;       /* for..in and for..of loops open */
    bool in_for_of;         /* `$` `#` `@` `!` are allowed */
    unsigned depth;         /* expression nesting */
    unsigned max_slots;     /* loop variable slots the rule needs */
};

/* Kinds of parsed expressions, for yara's two-level grammar: a primary
 * expression (arithmetic) may be an operand of arithmetic and comparisons;
 * a boolean one only of and, or, not, defined. */
struct parser_value {
    struct ast_expr *e;
    bool primary;
    bool percent;       /* `e %` was read and `of` follows */
    bool is_const;      /* an integer constant, as yara folds them... */
    int64_t cval;       /* ...with this value */
};

/* ---- parser.c: tokens, errors, memory ---------------------------------- */

const struct token *parser_peek(struct parser *p);
bool parser_is(struct parser *p, enum token_kind kind);
void parser_consume(struct parser *p);
bool parser_accept(struct parser *p, enum token_kind kind);
enum candor_status parser_expect(struct parser *p, enum token_kind kind);
int parser_line(const struct parser *p);

enum candor_status parser_syntax_error(struct parser *p);
enum candor_status parser_error(struct parser *p, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
void parser_warning(struct parser *p, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
enum candor_status parser_oom(struct parser *p);

char *parser_strdup(struct parser *p, const char *s, size_t len);
struct ast_expr *parser_node(struct parser *p, enum ast_op op,
                             enum ast_type type);
bool parser_imported(struct parser *p, const char *name, size_t len);

/* ---- parser_rule.c ----------------------------------------------------- */

enum candor_status parser_rule(struct parser *p);
bool parser_rule_lookup(struct parser *p, const char *name, size_t len,
                        uint64_t *index);

/* ---- parser_expr.c ----------------------------------------------------- */

enum candor_status parser_condition(struct parser *p, struct ast_expr **out);
enum candor_status parser_bool_expr(struct parser *p, struct ast_expr **out);

/* ---- parser_prim.c ----------------------------------------------------- */

enum candor_status parser_range_rest(struct parser *p,
                                     const struct parser_value *lo,
                                     struct ast_expr **out);
enum candor_status parser_regexp(struct parser *p, struct ast_expr **out);
enum candor_status parser_identifier(struct parser *p, bool iterator,
                                     struct parser_value *out);
enum candor_status parser_string_op(struct parser *p,
                                    struct parser_value *out);

enum candor_status parser_primary(struct parser *p, bool outer,
                                  struct parser_value *out);
enum candor_status parser_arith_rest(struct parser *p, bool outer,
                                     struct parser_value *v);
enum candor_status parser_range(struct parser *p, struct ast_expr **out);
enum candor_status parser_check_compare(struct parser *p, enum ast_op op,
                                        struct ast_expr *a,
                                        struct ast_expr *b);
/* ast_string.at_state: no `at` seen yet, `at` one constant only, other. */
enum { AT_UNSET, AT_ONE, AT_NONE };

/* How the condition uses a string, for ast_string.all_matches and .fixed. */
enum parser_string_use {
    USE_FOUND,   /* $a */
    USE_AT,      /* $a at OFFSET */
    USE_OTHER,   /* $a in, #a, @a, !a */
};
enum candor_status parser_string_ref(struct parser *p, const char *name,
                                     size_t len, enum parser_string_use use,
                                     const struct parser_value *at,
                                     int32_t *index);
void parser_to_bool(struct parser *p, struct ast_expr *e);
const char *parser_type_name(const struct ast_expr *e);
bool parser_is_int(const struct ast_expr *e);
bool parser_has_type(const struct ast_expr *e, enum ast_type t);

#endif
