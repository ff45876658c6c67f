/*
 * parser_int.h - the parser's state, shared by parser.c (declarations) and
 * parser_expr.c (conditions). Not for use outside src/rules.
 */
#ifndef CANDOR_RULES_PARSER_INT_H
#define CANDOR_RULES_PARSER_INT_H

#include "rules/ast.h"
#include "rules/lexer.h"
#include "rules/parser.h"

#define PARSER_MAX_VARS 64  /* loop variables in scope at once */
#define PARSER_MAX_DEPTH 400 /* nesting of expressions */

struct parser_var {
    const char *name;
    size_t len;
    int32_t slot;
};

struct parser {
    struct ast_program *prog;
    struct diag_sink *diag;
    const struct parser_opts *opts;
    struct lexer lx;
    struct token tok;       /* the current (lookahead) token */
    int prev_line;
    const char *file;
    const char *ns;
    uint32_t ns_index;
    unsigned depth;         /* include nesting */
    unsigned expr_depth;    /* expression nesting */
    struct ast_rule *rule;  /* the rule being parsed */
    struct parser_var vars[PARSER_MAX_VARS];
    uint32_t n_vars;
    uint32_t n_slots;       /* loop slots used by the rule so far */
    uint32_t of_depth;      /* for..of nesting: `$` is allowed inside */
    bool in_quant;          /* parsing a loop's quantifier: `of` ends it */
    bool rule_failed;       /* a semantic error in this rule */
    bool failed;            /* any error in this file */
    bool stop;              /* a syntax error: skip the rest of the file */
    bool nomem;
};

void parser_advance(struct parser *p);
struct token parser_peek(struct parser *p);
bool parser_accept(struct parser *p, enum tok kind);
bool parser_expect(struct parser *p, enum tok kind);
void parser_error(struct parser *p, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
void parser_error_at(struct parser *p, int line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
void parser_syntax_error(struct parser *p);
char *parser_strdup(struct parser *p, const char *s, size_t len);

/* expr -> the whole condition grammar (parser_expr.c); never NULL. */
struct ast_expr *parser_expr(struct parser *p);

enum candor_status parser_parse_depth(struct ast_program *prog,
                                      struct diag_sink *diag,
                                      const char *source, size_t len,
                                      const char *name, const char *ns,
                                      const struct parser_opts *opts,
                                      unsigned depth);

#endif
