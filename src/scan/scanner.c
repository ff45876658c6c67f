/*
 * scanner.c - a scan: one matching pass, then every rule's condition in
 * order, then the global rules' verdicts, then the callbacks.
 */
#include "scan/scanner.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "base/buf.h"
#include "base/mem.h"

#define MAX_MATCHES_PER_STRING 1000000 /* yara's YR_MAX_STRING_MATCHES */
#define MAX_MATCH_DATA 512             /* bytes of a match given to output */

static void console_line(void *ctx, const char *text, size_t len)
{
    struct candor_scanner *s = ctx;

    if (s->console != NULL)
        s->console(s->console_ctx, text, len);
}

enum candor_status scanner_new(const struct ruleset *rs,
                               struct candor_scanner **out)
{
    struct candor_scanner *s = mem_calloc(1, sizeof(*s));
    enum candor_status rc;

    if (s == NULL)
        return CANDOR_ERROR_NOMEM;
    s->rs = rs;
    s->results = mem_calloc(rs->n_rules, 1);
    s->externals = mem_calloc(rs->n_externals, sizeof(*s->externals));
    s->ext_strings = mem_calloc(rs->n_externals, sizeof(*s->ext_strings));
    if (s->results == NULL || s->externals == NULL || s->ext_strings == NULL) {
        scanner_free(s);
        return CANDOR_ERROR_NOMEM;
    }
    for (uint32_t i = 0; i < rs->n_externals; i++) {
        const struct rs_external *x = &rs->externals[i];
        struct vm_value *v = &s->externals[i];
        switch (x->type) {
        case RS_EXT_FLOAT:
            v->type = V_FLOAT;
            v->u.f = x->fval;
            break;
        case RS_EXT_STRING:
            v->type = V_STR;
            v->u.s = (const uint8_t *)ruleset_str(rs, x->str);
            v->len = x->str_len;
            break;
        default:
            v->type = V_INT;
            v->u.i = x->ival;
            break;
        }
    }
    arena_init(&s->mod_arena, 64 * 1024);
    s->n_mods = (uint32_t)module_count();
    s->mods = mem_calloc(s->n_mods, sizeof(*s->mods));
    if (s->mods == NULL) {
        scanner_free(s);
        return CANDOR_ERROR_NOMEM;
    }
    for (uint32_t i = 0; i < s->n_mods; i++) {
        s->mods[i].mod = module_at(i);
        s->mods[i].arena = &s->mod_arena;
        s->mods[i].log = console_line;
        s->mods[i].log_ctx = s;
    }
    rc = vm_init(&s->vm, VM_DEFAULT_STACK, rs->max_slots);
    if (rc == CANDOR_OK)
        rc = vm_reserve_set(&s->vm, rs->n_sets);
    if (rc == CANDOR_OK)
        rc = match_scratch_new(rs->db, &s->scratch);
    for (uint32_t i = 0; i < rs->n_strings && rc == CANDOR_OK; i++) {
        const struct rs_string *x = &rs->strings[i];
        if (x->flags & RS_STRING_FIXED)
            rc = match_scratch_fix_offset(s->scratch, i,
                                          (uint64_t)x->fixed_offset);
    }
    if (rc != CANDOR_OK) {
        scanner_free(s);
        return rc;
    }
    *out = s;
    return CANDOR_OK;
}

void scanner_free(struct candor_scanner *s)
{
    if (s == NULL)
        return;
    if (s->scratch != NULL)
        match_scratch_free(s->scratch);
    vm_fini(&s->vm);
    for (uint32_t i = 0; s->mods != NULL && i < s->n_mods; i++) {
        if (s->mods[i].mod->finish != NULL)
            s->mods[i].mod->finish(&s->mods[i]);
    }
    arena_fini(&s->mod_arena);
    mem_free(s->mods);
    if (s->ext_strings != NULL) {
        for (uint32_t i = 0; i < s->rs->n_externals; i++)
            mem_free(s->ext_strings[i]);
    }
    mem_free(s->ext_strings);
    mem_free(s->externals);
    mem_free(s->results);
    mem_free(s->cb_matches);
    mem_free(s->file_buf);
    mem_free(s);
}

enum candor_status scanner_define(struct candor_scanner *s, const char *name,
                                  const struct vm_value *value)
{
    for (uint32_t i = 0; i < s->rs->n_externals; i++) {
        const struct rs_external *x = &s->rs->externals[i];
        struct vm_value v = *value;
        if (strcmp(ruleset_str(s->rs, x->name), name) != 0)
            continue;
        /* A value of another type than declared is refused, as yara does. */
        if ((x->type == RS_EXT_STRING) != (v.type == V_STR) ||
            (x->type == RS_EXT_FLOAT) != (v.type == V_FLOAT))
            return CANDOR_ERROR_ARGUMENT;
        if (v.type == V_STR) {
            char *copy = mem_memdup(v.u.s, v.len);
            if (copy == NULL)
                return CANDOR_ERROR_NOMEM;
            mem_free(s->ext_strings[i]);
            s->ext_strings[i] = copy;
            v.u.s = (const uint8_t *)copy;
        }
        s->externals[i] = v;
        return CANDOR_OK;
    }
    return CANDOR_ERROR_ARGUMENT;
}

static uint64_t deadline(unsigned seconds)
{
    struct timespec ts;

    if (seconds == 0)
        return 0;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ((uint64_t)ts.tv_sec + seconds) * 1000000000ull +
           (uint64_t)ts.tv_nsec;
}

/* A false global rule makes every rule of its namespace false. */
static void apply_globals(struct candor_scanner *s)
{
    const struct ruleset *rs = s->rs;

    for (uint32_t g = 0; g < rs->n_rules; g++) {
        if (!(rs->rules[g].flags & CANDOR_RULE_GLOBAL) || s->results[g])
            continue;
        for (uint32_t i = 0; i < rs->n_rules; i++) {
            if (rs->rules[i].ns == rs->rules[g].ns)
                s->results[i] = 0;
        }
    }
}

/* False when the rule needs a match and none of its strings can have one. */
static bool may_be_true(const struct candor_scanner *s,
                        const struct rs_rule *r)
{
    if (!(r->flags & RS_RULE_NEEDS_MATCH))
        return true;
    for (uint32_t k = 0; k < r->n_strings; k++)
        if (match_scratch_maybe(s->scratch, r->first_string + k))
            return true;
    return false;
}

static enum candor_status evaluate(struct candor_scanner *s, uint64_t dl)
{
    struct vm_env env;
    enum candor_status rc;
    bool res;

    env.rs = s->rs;
    env.data = s->data;
    env.size = s->size;
    env.matches = s->scratch;
    env.rule_results = s->results;
    env.externals = s->externals;
    env.deadline_ns = dl;
    env.mods = s->mods;
    env.n_mods = s->n_mods;
    for (uint32_t i = 0; i < s->rs->n_rules; i++) {
        if (!may_be_true(s, &s->rs->rules[i])) {
            s->results[i] = 0;
            continue;
        }
        rc = vm_run(&s->vm, &env, i, &res);
        if (rc != CANDOR_OK)
            return rc;
        s->results[i] = res;
    }
    apply_globals(s);
    return CANDOR_OK;
}

static int notify(struct candor_scanner *s, enum candor_event ev,
                  const struct candor_rule *rule,
                  const struct candor_string *str)
{
    return s->fn == NULL ? 0 : s->fn(s->ctx, ev, rule, str);
}

/*
 * Verifies now the strings of the rules the callbacks will show, so that
 * their "too many matches" warnings come before the rules, as yara's do.
 */
static enum candor_status resolve_shown(struct candor_scanner *s)
{
    const struct ruleset *rs = s->rs;

    for (uint32_t i = 0; i < rs->n_rules; i++) {
        const struct rs_rule *r = &rs->rules[i];
        if ((r->flags & CANDOR_RULE_PRIVATE) ||
            (!s->results[i] &&
             !(s->flags & CANDOR_SCAN_REPORT_NOT_MATCHING)))
            continue;
        for (uint32_t k = 0; k < r->n_strings; k++)
            match_scratch_list(s->scratch, r->first_string + k);
    }
    return match_scratch_status(s->scratch);
}

/*
 * The limit of matching rules (-l) counts across every scan of the
 * scanner, as yara's does: once it is reached, each later file still
 * reports its first matching rule, then stops. A string no condition
 * needed and no callback shows was never verified: it cannot warn.
 */
static enum candor_status report(struct candor_scanner *s)
{
    const struct ruleset *rs = s->rs;

    if (!(s->flags & CANDOR_SCAN_RULES_ONLY)) {
        enum candor_status rc = resolve_shown(s);
        if (rc != CANDOR_OK)
            return rc;
    }
    for (uint32_t i = 0; i < rs->n_strings && match_scratch_any_overflow(s->scratch); i++) {
        if (match_scratch_overflow(s->scratch, i) &&
            notify(s, CANDOR_EVENT_TOO_MANY_MATCHES,
                   &rs->h_rules[rs->strings[i].rule], &rs->h_strings[i]))
            return CANDOR_ERROR_CALLBACK;
    }
    for (uint32_t i = 0; i < rs->n_rules; i++) {
        enum candor_event ev = s->results[i] ? CANDOR_EVENT_RULE_MATCHING
                                             : CANDOR_EVENT_RULE_NOT_MATCHING;
        if (rs->rules[i].flags & CANDOR_RULE_PRIVATE)
            continue;
        if (!s->results[i] && !(s->flags & CANDOR_SCAN_REPORT_NOT_MATCHING))
            continue;
        if (notify(s, ev, &rs->h_rules[i], NULL))
            return CANDOR_ERROR_CALLBACK;
        s->n_reported += s->results[i];
        if (s->results[i] && s->max_rules != 0 &&
            s->n_reported >= s->max_rules)
            break;
    }
    if (notify(s, CANDOR_EVENT_SCAN_FINISHED, NULL, NULL))
        return CANDOR_ERROR_CALLBACK;
    return CANDOR_OK;
}

/* Which strings keep every match in fast mode: under yara's -f those yara
 * keeps (RS_STRING_FAST_ALL), in the fast mode of a scan without -s those
 * the condition needs (RS_STRING_NEEDS_ALL). Redone when that changes. */
static void mark_keep_all(struct candor_scanner *s)
{
    uint32_t want = (s->flags & CANDOR_SCAN_FAST) ? RS_STRING_FAST_ALL
                                                  : RS_STRING_NEEDS_ALL;

    if (s->keep_all_marks == want)
        return;
    for (uint32_t i = 0; i < s->rs->n_strings; i++)
        match_scratch_keep_all(s->scratch, i,
                               (s->rs->strings[i].flags & want) != 0);
    s->keep_all_marks = want;
}

/* -D: every imported module's values, in import order. */
static enum candor_status print_modules(struct candor_scanner *s)
{
    const struct ruleset *rs = s->rs;
    struct buf b;

    for (uint32_t i = 0; i < rs->n_imports; i++) {
        const char *name = ruleset_str(rs, rs->imports[i]);
        const struct module *m = module_find(name, strlen(name));
        bool ok;
        if (m == NULL)
            continue; /* a module candor does not have yet */
        buf_init(&b, 1u << 28);
        ok = mod_print(&s->mods[module_index(m)], &b);
        if (ok)
            s->module_data(s->module_data_ctx, (const char *)b.data, b.len);
        buf_fini(&b);
        if (!ok)
            return CANDOR_ERROR_NOMEM;
    }
    return CANDOR_OK;
}

enum candor_status scanner_scan(struct candor_scanner *s, const uint8_t *data,
                                uint64_t size)
{
    struct match_scan_opts opts;
    enum candor_status rc;

    /* Without -s nothing shows more than whether a string exists. */
    opts.fast = (s->flags & (CANDOR_SCAN_FAST | CANDOR_SCAN_RULES_ONLY)) != 0;
    mark_keep_all(s);
    opts.max_per_string = MAX_MATCHES_PER_STRING;
    opts.deadline_ns = deadline(s->timeout_s);
    opts.lazy = true;
    s->data = data;
    s->size = size;
    arena_reset(&s->mod_arena);
    vm_forget(&s->vm);
    for (uint32_t i = 0; i < s->n_mods; i++) {
        s->mods[i].data = data;
        s->mods[i].size = size;
        s->mods[i].root = NULL;
        s->mods[i].state = NULL;
    }
    rc = s->module_data != NULL ? print_modules(s) : CANDOR_OK;
    if (rc == CANDOR_OK)
        rc = match_scan(s->rs->db, s->scratch, data, (size_t)size, &opts);
    if (rc == CANDOR_OK)
        rc = evaluate(s, opts.deadline_ns);
    if (rc == CANDOR_OK)
        rc = report(s);
    match_scan_end(s->scratch);
    s->data = NULL;
    return rc;
}

/*
 * Reads the first size bytes of fd into the scanner's buffer (a file that
 * shrank meanwhile gives fewer). Small files are read rather than mapped:
 * unmapping costs a TLB shootdown across the CPUs, more than the copy.
 */
static enum candor_status read_small(struct candor_scanner *s, int fd,
                                     size_t size, size_t *len)
{
    size_t got = 0;

    if (size > s->file_cap) {
        /* the exact size (rounded up): the buffer counts in peak memory */
        size_t cap = (size + 0xffff) & ~(size_t)0xffff;
        mem_free(s->file_buf);
        s->file_cap = 0;
        s->file_buf = mem_alloc(cap);
        if (s->file_buf == NULL)
            return CANDOR_ERROR_NOMEM;
        s->file_cap = cap;
    }
    while (got < size) {
        ssize_t n = read(fd, s->file_buf + got, size - got);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return CANDOR_ERROR_IO;
        if (n == 0)
            break;
        got += (size_t)n;
    }
    *len = got;
    return CANDOR_OK;
}

enum candor_status scanner_scan_file(struct candor_scanner *s,
                                     const char *path)
{
    static const uint8_t empty[1];
    struct stat st;
    enum candor_status rc;
    void *map;
    size_t len;
    int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);

    if (fd < 0)
        return CANDOR_ERROR_IO;
    /* A FIFO or socket is never read (it could block). A device given by
       name is an empty file, as yara 4.2.3 takes it: /dev/null,
       /dev/zero, a disk all have size 0 to fstat. */
    if (fstat(fd, &st) != 0 ||
        !(S_ISREG(st.st_mode) || S_ISCHR(st.st_mode) ||
          S_ISBLK(st.st_mode))) {
        close(fd);
        return CANDOR_ERROR_IO;
    }
    if (st.st_size == 0 || !S_ISREG(st.st_mode)) {
        close(fd);
        return scanner_scan(s, empty, 0);
    }
    if ((uint64_t)st.st_size <= SCAN_READ_MAX) {
        rc = read_small(s, fd, (size_t)st.st_size, &len);
        close(fd);
        if (rc != CANDOR_OK)
            return rc;
        return scanner_scan(s, len > 0 ? s->file_buf : empty, len);
    }
    map = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
    close(fd);
    if (map == MAP_FAILED)
        return errno == ENOMEM ? CANDOR_ERROR_NOMEM : CANDOR_ERROR_IO;
    madvise(map, (size_t)st.st_size, MADV_SEQUENTIAL);
    rc = scanner_scan(s, map, (uint64_t)st.st_size);
    munmap(map, (size_t)st.st_size);
    return rc;
}

size_t candor_scanner_matches(const struct candor_scanner *cs,
                              const struct candor_string *string,
                              const struct candor_match **out)
{
    struct candor_scanner *s = (struct candor_scanner *)cs;
    const struct match_list *l;

    *out = NULL;
    if (s->data == NULL || string == NULL || string->rs != s->rs)
        return 0;
    l = match_scratch_list(s->scratch, string->index);
    if (l->n > s->cb_cap) {
        struct candor_match *m =
            mem_realloc_array(s->cb_matches, l->n, sizeof(*m));
        if (m == NULL)
            return 0;
        s->cb_matches = m;
        s->cb_cap = l->n;
    }
    for (uint32_t i = 0; i < l->n; i++) {
        struct candor_match *m = &s->cb_matches[i];
        m->offset = l->m[i].offset;
        m->length = l->m[i].len;
        m->data = s->data + l->m[i].offset;
        m->data_len = l->m[i].len < MAX_MATCH_DATA ? l->m[i].len
                                                   : MAX_MATCH_DATA;
        m->xor_key = l->m[i].xor_key;
    }
    *out = s->cb_matches;
    return l->n;
}
