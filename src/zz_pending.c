/*
 * zz_pending.c - TEMPORARY weak fallbacks for functions that are being
 * written concurrently (the parser and the matcher), so that the library
 * links meanwhile. Named to sort last in the archive: a real, strong
 * definition elsewhere always wins. Removed once every one has landed.
 */
#include "compile/strings.h"
#include "match/match.h"
#include "rules/parser.h"
#include "rules/re.h"

#define WEAK __attribute__((weak))

WEAK enum candor_status parser_parse(struct ast_program *prog,
                                     struct diag_sink *diag,
                                     const char *source, size_t len,
                                     const char *name, const char *ns,
                                     const struct parser_opts *opts)
{
    (void)prog; (void)source; (void)len; (void)ns; (void)opts;
    diag_report(diag, CANDOR_DIAG_ERROR, name, 0, NULL,
                "the rule parser is not built yet");
    return CANDOR_ERROR_UNSUPPORTED;
}

WEAK enum candor_status strings_add(struct match_builder *b,
                                    uint32_t string_id,
                                    const struct ast_string *s,
                                    struct strings_result *res, char *err,
                                    size_t err_len)
{
    (void)b; (void)string_id; (void)s; (void)res; (void)err; (void)err_len;
    return CANDOR_ERROR_UNSUPPORTED;
}

WEAK enum candor_status match_builder_new(uint32_t n_strings,
                                          struct match_builder **out)
{
    (void)n_strings; (void)out;
    return CANDOR_ERROR_UNSUPPORTED;
}

WEAK void match_builder_free(struct match_builder *b) { (void)b; }

WEAK enum candor_status match_builder_build(struct match_builder *b,
                                            struct match_db **out)
{
    (void)b; (void)out;
    return CANDOR_ERROR_UNSUPPORTED;
}

WEAK void match_db_free(struct match_db *db) { (void)db; }

WEAK uint32_t match_db_string_count(const struct match_db *db)
{
    (void)db;
    return 0;
}

WEAK enum candor_status match_db_save(const struct match_db *db,
                                      struct buf *out, const uint8_t *key,
                                      size_t key_len)
{
    (void)db; (void)out; (void)key; (void)key_len;
    return CANDOR_ERROR_UNSUPPORTED;
}

WEAK enum candor_status match_db_load(struct bytes in, const uint8_t *key,
                                      size_t key_len, struct match_db **out)
{
    (void)in; (void)key; (void)key_len; (void)out;
    return CANDOR_ERROR_UNSUPPORTED;
}

WEAK enum candor_status match_scratch_new(const struct match_db *db,
                                          struct match_scratch **out)
{
    (void)db; (void)out;
    return CANDOR_ERROR_UNSUPPORTED;
}

WEAK void match_scratch_free(struct match_scratch *s) { (void)s; }

WEAK enum candor_status match_scan(const struct match_db *db,
                                   struct match_scratch *s,
                                   const uint8_t *data, size_t len,
                                   const struct match_scan_opts *opts)
{
    (void)db; (void)s; (void)data; (void)len; (void)opts;
    return CANDOR_ERROR_UNSUPPORTED;
}

WEAK const struct match_list *match_scratch_list(const struct match_scratch *s,
                                                 uint32_t string_id)
{
    static const struct match_list none;
    (void)s; (void)string_id;
    return &none;
}
