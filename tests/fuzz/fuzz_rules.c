/*
 * fuzz_rules.c - the rule parser (lexer, parser, AST dump) on hostile text.
 *
 * Any input must parse or be refused with diagnostics, which are dropped;
 * nothing may crash, leak or hang. Includes are refused before any file is
 * opened (an include depth of 1), so the target never reads the disk. A
 * few external variables of each type let identifiers resolve to them.
 * Whatever parsed is dumped, to run the dump over every kind of tree.
 */
#include <stdint.h>
#include <string.h>

#include "base/buf.h"
#include "base/diag.h"
#include "rules/ast.h"
#include "rules/ast_dump.h"
#include "rules/parser.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void define(struct ast_program *prog, const char *name,
                   enum ast_external_type type)
{
    struct ast_external *x = vec_push(&prog->externals);

    if (x == NULL)
        return;
    x->name = name;
    x->type = type;
    x->str = "";
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct ast_program prog;
    struct diag_sink diag = {NULL, NULL, 0, 0};
    struct parser_opts opts = {100, 1, NULL, NULL};
    struct buf out;

    if (size > (1u << 20))
        return 0;
    ast_program_init(&prog);
    define(&prog, "ext", EXT_INT);
    define(&prog, "fext", EXT_FLOAT);
    define(&prog, "bext", EXT_BOOL);
    define(&prog, "sext", EXT_STRING);
    /* Twice, as two files of one namespace: the second sees the first's
     * rules, wildcards and imports. */
    parser_parse(&prog, &diag, (const char *)data, size, "fuzz.yar", NULL,
                 &opts);
    parser_parse(&prog, &diag, (const char *)data, size, "again.yar", NULL,
                 &opts);
    buf_init(&out, 1u << 24);
    ast_dump_program(&prog, &out);
    buf_fini(&out);
    ast_program_fini(&prog);
    return 0;
}
