/* report.c - see report.h. */
#include "report/report.h"

#include <inttypes.h>
#include <string.h>

#include "report/sarif.h"

#define LINE_MAX_BYTES (1u << 20) /* a record never grows past this */

void report_init(struct report *r, FILE *out, bool json)
{
    memset(r, 0, sizeof(*r));
    r->out = out;
    r->json = json;
    buf_init(&r->line, LINE_MAX_BYTES);
}

void report_fini(struct report *r)
{
    buf_fini(&r->line);
}

/* Writes the record gathered in r->line and starts the next one. */
static void flush_line(struct report *r)
{
    buf_putc(&r->line, '\n');
    if (r->line.failed ||
        fwrite(r->line.data, 1, r->line.len, r->out) != r->line.len)
        r->write_failed = true;
    buf_clear(&r->line);
}

/* Text form of an input string: control bytes and DEL as \xNN. */
static void text_string(struct buf *b, const char *s)
{
    for (const uint8_t *p = (const uint8_t *)s; *p != '\0'; p++) {
        if (*p < 0x20 || *p == 0x7f)
            buf_printf(b, "\\x%02X", *p);
        else
            buf_putc(b, *p);
    }
}

/* ,"key":"value" (or null) */
static void json_field(struct buf *b, const char *key, const char *value)
{
    buf_printf(b, ",\"%s\":", key);
    if (value == NULL)
        buf_puts(b, "null");
    else
        report_json_string(b, value, strlen(value));
}

void report_finding(struct report *r, const struct finding *f)
{
    struct buf *b = &r->line;

    r->totals.findings[f->severity]++;
    if (r->on_record != NULL)
        r->on_record(r->on_record_ctx, f->vpath, true);
    if (r->sarif != NULL)
        sarif_finding(r->sarif, f);
    if (!r->json) {
        buf_printf(b, "%-8s %-15s ", finding_severity_name(f->severity),
                   f->category);
        text_string(b, f->rule);
        buf_putc(b, ' ');
        text_string(b, f->vpath);
        buf_printf(b, " @0x%" PRIx64, f->offset);
        if (f->evidence != NULL) {
            buf_putc(b, ' ');
            text_string(b, f->evidence);
        }
        flush_line(r);
        return;
    }
    buf_puts(b, "{\"type\":\"finding\"");
    json_field(b, "kind", finding_kind_name(f->kind));
    json_field(b, "rule", f->rule);
    json_field(b, "category", f->category);
    json_field(b, "severity", finding_severity_name(f->severity));
    json_field(b, "vpath", f->vpath);
    buf_printf(b, ",\"offset\":%" PRIu64 ",\"length\":%" PRIu64, f->offset,
               f->length);
    json_field(b, "evidence", f->evidence);
    json_field(b, "norm", f->norm);
    buf_putc(b, '}');
    flush_line(r);
}

void report_file(struct report *r, const struct report_file *f)
{
    struct buf *b = &r->line;

    r->totals.files++;
    if (r->on_record != NULL)
        r->on_record(r->on_record_ctx, f->vpath, false);
    if (r->sarif != NULL)
        sarif_file(r->sarif, f);
    if (!r->json)
        return;
    buf_puts(b, "{\"type\":\"file\"");
    json_field(b, "vpath", f->vpath);
    json_field(b, "kind", f->kind);
    buf_printf(b,
               ",\"size\":%" PRIu64 ",\"mode\":\"%04o\",\"uid\":%" PRId64
               ",\"gid\":%" PRId64 ",\"setuid\":%s",
               f->size, (unsigned)(f->mode & 07777), f->uid, f->gid,
               (f->mode & 04000) ? "true" : "false");
    json_field(b, "symlink", strcmp(f->kind, "symlink") == 0 ? f->link : NULL);
    json_field(b, "hardlink",
               strcmp(f->kind, "hardlink") == 0 ? f->link : NULL);
    if (f->sha256 == NULL) {
        buf_puts(b, ",\"sha256\":null");
    } else {
        buf_puts(b, ",\"sha256\":\"");
        for (int i = 0; i < 32; i++)
            buf_printf(b, "%02x", f->sha256[i]);
        buf_putc(b, '"');
    }
    buf_putc(b, '}');
    flush_line(r);
}

void report_layout(struct report *r, const struct report_layout *l)
{
    struct buf *b = &r->line;
    double share = l->size ? 100.0 * (double)l->unknown_bytes /
                                 (double)l->size
                           : 0;

    if (!r->json) {
        buf_puts(b, "layout ");
        text_string(b, l->vpath);
        buf_putc(b, ':');
        for (size_t i = 0; i < l->n_ranges; i++) {
            buf_putc(b, ' ');
            text_string(b, l->ranges[i].format);
            buf_printf(b, "@0x%" PRIx64 "+%" PRIu64, l->ranges[i].offset,
                       l->ranges[i].length);
        }
        buf_printf(b,
                   "; %" PRIu64 " bytes (%.1f%%) unknown, %" PRIu64
                   " of them padding",
                   l->unknown_bytes, share, l->padding_bytes);
        flush_line(r);
        return;
    }
    buf_puts(b, "{\"type\":\"layout\"");
    json_field(b, "vpath", l->vpath);
    buf_printf(b, ",\"size\":%" PRIu64 ",\"ranges\":[", l->size);
    for (size_t i = 0; i < l->n_ranges; i++) {
        buf_printf(b, "%s{\"offset\":%" PRIu64 ",\"length\":%" PRIu64,
                   i ? "," : "", l->ranges[i].offset, l->ranges[i].length);
        json_field(b, "format", l->ranges[i].format);
        buf_putc(b, '}');
    }
    buf_printf(b,
               "],\"unknown_bytes\":%" PRIu64
               ",\"unknown_share\":%.4f,\"padding_bytes\":%" PRIu64 "}",
               l->unknown_bytes, share / 100, l->padding_bytes);
    flush_line(r);
}

void report_summary(struct report *r, double seconds)
{
    const struct report_totals *t = &r->totals;
    struct buf *b = &r->line;

    if (r->json) {
        buf_printf(b,
                   "{\"type\":\"summary\",\"products\":%" PRIu64
                   ",\"files\":%" PRIu64 ",\"bytes\":%" PRIu64
                   ",\"containers\":%" PRIu64 ",\"seconds\":%.3f"
                   ",\"findings\":{",
                   t->products, t->files, t->bytes, t->containers, seconds);
        for (int i = FINDING_N_SEVERITIES - 1; i >= 0; i--)
            buf_printf(b, "\"%s\":%" PRIu64 "%s",
                       finding_severity_name((enum finding_severity)i),
                       t->findings[i], i > 0 ? "," : "}}");
    } else {
        buf_printf(b,
                   "audit: %" PRIu64 " products, %" PRIu64 " files, %" PRIu64
                   " bytes unpacked, %" PRIu64 " containers, %.1f s; findings:",
                   t->products, t->files, t->bytes, t->containers, seconds);
        for (int i = FINDING_N_SEVERITIES - 1; i >= 0; i--)
            buf_printf(b, " %" PRIu64 " %s%s", t->findings[i],
                       finding_severity_name((enum finding_severity)i),
                       i > 0 ? "," : "");
    }
    flush_line(r);
    if (fflush(r->out) != 0)
        r->write_failed = true;
}

bool report_has_at_least(const struct report *r, enum finding_severity sev)
{
    for (int i = (int)sev; i < FINDING_N_SEVERITIES; i++) {
        if (r->totals.findings[i] > 0)
            return true;
    }
    return false;
}
