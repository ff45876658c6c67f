/*
 * regex.c - one regex for the `matches` operator.
 *
 * The pattern is PCRE2 text made by strings_regex_pcre (compile/strings.c)
 * and compiled like a regex form; a search runs unanchored over the whole
 * subject with the calling thread's scratch (its match data, context and
 * JIT stack), under the same PCRE2 limits as string verification.
 */
#include "base/mem.h"
#include "match/match_int.h"

struct match_regex {
    pcre2_code *code;
};

enum candor_status match_regex_new(const char *pattern, size_t len,
                                   unsigned flags, struct match_regex **out,
                                   char *err, size_t err_len)
{
    struct match_regex *re;
    enum candor_status rc;

    if (flags & ~MATCH_NOCASE)
        return CANDOR_ERROR_ARGUMENT;
    re = mem_calloc(1, sizeof(*re));
    if (re == NULL)
        return CANDOR_ERROR_NOMEM;
    rc = match_pcre_compile(pattern, len, flags, &re->code, err, err_len);
    if (rc != CANDOR_OK) {
        mem_free(re);
        return rc;
    }
    /* A `matches` regex runs on every file whose rule gets that far. */
    (void)pcre2_jit_compile(re->code, PCRE2_JIT_COMPLETE);
    *out = re;
    return CANDOR_OK;
}

void match_regex_free(struct match_regex *re)
{
    if (re == NULL)
        return;
    pcre2_code_free(re->code);
    mem_free(re);
}

enum candor_status match_regex_search(const struct match_regex *re,
                                      struct match_scratch *s,
                                      const uint8_t *data, size_t len,
                                      bool *found)
{
    static const uint8_t empty[1];
    pcre2_match_data *md;
    pcre2_match_context *mc;
    struct match_stats *st;
    int rc;

    match_scratch_pcre(s, &md, &mc, &st);
    pcre2_set_offset_limit(mc, PCRE2_UNSET);
    rc = pcre2_match(re->code, data != NULL ? data : empty, len, 0, 0, md,
                     mc);
    st->verifications++;
    *found = rc >= 0;
    if (rc < 0 && rc != PCRE2_ERROR_NOMATCH)
        st->limit_hits++;
    return CANDOR_OK;
}
