/* format.c - see format.h. */
#include "format.h"

#include <inttypes.h>
#include <string.h>

#include "escape.h"

static bool has_tag(const struct candor_rule *r, const char *tag)
{
    size_t n = candor_rule_tag_count(r);

    for (size_t i = 0; i < n; i++) {
        if (strcmp(candor_rule_tag(r, i), tag) == 0)
            return true;
    }
    return false;
}

bool format_selected(const struct options *o, const struct candor_rule *r)
{
    bool show = true;

    if (o->tags.n > 0) {
        show = false;
        for (int i = 0; i < o->tags.n && !show; i++)
            show = has_tag(r, o->tags.v[i]);
    }
    if (o->identifiers.n > 0) {
        show = false;
        for (int i = 0; i < o->identifiers.n && !show; i++)
            show = strcmp(candor_rule_name(r), o->identifiers.v[i]) == 0;
    }
    return show;
}

/* " [t1,t2]" */
static void tags(struct outbuf *b, const struct candor_rule *r)
{
    size_t n = candor_rule_tag_count(r);

    outbuf_puts(b, " [");
    for (size_t i = 0; i < n; i++) {
        if (i > 0)
            outbuf_putc(b, ',');
        outbuf_puts(b, candor_rule_tag(r, i));
    }
    outbuf_putc(b, ']');
}

/* " [a=\"x\",n =5,b=true]": yara writes a space before '=' for integers. */
static void meta(struct outbuf *b, const struct candor_rule *r)
{
    size_t n = candor_rule_meta_count(r);

    outbuf_puts(b, " [");
    for (size_t i = 0; i < n; i++) {
        const struct candor_meta *m = candor_rule_meta(r, i);
        if (i > 0)
            outbuf_putc(b, ',');
        switch (m->type) {
        case CANDOR_META_INTEGER:
            outbuf_printf(b, "%s =%" PRId64, m->name, m->integer);
            break;
        case CANDOR_META_BOOLEAN:
            outbuf_printf(b, "%s=%s", m->name, m->integer ? "true" : "false");
            break;
        case CANDOR_META_STRING:
            outbuf_printf(b, "%s=\"", m->name);
            escape_meta(b, m->string, m->string_len);
            outbuf_putc(b, '"');
            break;
        }
    }
    outbuf_putc(b, ']');
}

static void matches(struct outbuf *b, const struct options *o,
                    const struct candor_scanner *s,
                    const struct candor_string *str)
{
    const struct candor_match *m;
    size_t n = candor_scanner_matches(s, str, &m);
    bool hex = candor_string_kind(str) == CANDOR_STRING_HEX;

    for (size_t i = 0; i < n; i++) {
        outbuf_printf(b, "0x%" PRIx64, m[i].offset);
        if (o->print_lengths) /* yara prints the length of the data */
            outbuf_printf(b, ":%" PRIu32, m[i].data_len);
        outbuf_printf(b, ":%s", candor_string_name(str));
        if (o->print_strings) {
            outbuf_puts(b, ": ");
            if (hex)
                escape_hex(b, m[i].data, m[i].data_len);
            else
                escape_text(b, m[i].data, m[i].data_len);
        }
        outbuf_putc(b, '\n');
    }
}

void format_rule(struct outbuf *b, const struct options *o,
                 const struct candor_scanner *s, const struct candor_rule *r,
                 const char *path)
{
    if (o->print_namespace)
        outbuf_printf(b, "%s:", candor_rule_namespace(r));
    outbuf_puts(b, candor_rule_name(r));
    if (o->print_tags)
        tags(b, r);
    if (o->print_meta)
        meta(b, r);
    outbuf_printf(b, " %s\n", path);
    if (!o->print_strings && !o->print_lengths)
        return;
    for (size_t i = 0; i < candor_rule_string_count(r); i++) {
        const struct candor_string *str = candor_rule_string(r, i);
        if (!candor_string_is_private(str))
            matches(b, o, s, str);
    }
}

void format_stats(FILE *f, const struct candor_rules *rules)
{
    fprintf(f, "size of AC transition table        : %d\n", 0);
    fprintf(f, "average length of AC matches lists : %f\n", 0.0);
    fprintf(f, "number of rules                    : %zu\n",
            candor_rules_count(rules));
    fprintf(f, "number of strings                  : %zu\n",
            candor_rules_string_count(rules));
    fprintf(f, "number of AC matches               : %d\n", 0);
    fprintf(f, "number of AC matches in root node  : %d\n", 0);
    fprintf(f, "number of AC matches in top 100 longest lists\n");
    for (int i = 1; i <= 100; i++)
        fprintf(f, " %3d: %d\n", i, 0);
    fprintf(f, "match list length percentiles\n");
    for (int i = 100; i >= 0; i--)
        fprintf(f, " %3d: %d\n", i, 0);
}
