/* finding.c - see finding.h. */
#include "report/finding.h"

#include <string.h>
#include <strings.h>

static const char *const severity_names[FINDING_N_SEVERITIES] = {
    "info", "low", "medium", "high", "critical",
};

const char *finding_kind_name(enum finding_kind kind)
{
    switch (kind) {
    case FINDING_RULE: return "rule";
    case FINDING_DETECTOR: return "detector";
    case FINDING_LIMIT: return "limit";
    case FINDING_UNPACK_ERROR: return "unpack-error";
    }
    return "?";
}

const char *finding_severity_name(enum finding_severity sev)
{
    return (unsigned)sev < FINDING_N_SEVERITIES ? severity_names[sev] : "?";
}

bool finding_severity_parse(const char *s, size_t len,
                            enum finding_severity *out)
{
    for (int i = 0; i < FINDING_N_SEVERITIES; i++) {
        if (strlen(severity_names[i]) == len &&
            strncasecmp(s, severity_names[i], len) == 0) {
            *out = (enum finding_severity)i;
            return true;
        }
    }
    return false;
}

const char *finding_norm(const char *category)
{
    if (category == NULL)
        return NULL;
    if (strcmp(category, "malware") == 0)
        return "13(i)";
    if (strcmp(category, "hidden-function") == 0 ||
        strcmp(category, "vulnerability") == 0)
        return "13(j)";
    return NULL;
}

void finding_evidence(struct buf *b, const char *id, const uint8_t *data,
                      size_t data_len, uint64_t length, bool hex)
{
    size_t n = data_len < FINDING_EVIDENCE_MAX ? data_len
                                               : FINDING_EVIDENCE_MAX;

    buf_printf(b, "%s: ", id);
    for (size_t i = 0; i < n; i++) {
        if (hex)
            buf_printf(b, i == 0 ? "%02X" : " %02X", data[i]);
        else if (data[i] >= 0x20 && data[i] <= 0x7e)
            buf_putc(b, data[i]);
        else
            buf_printf(b, "\\x%02X", data[i]);
    }
    if (length > n)
        buf_puts(b, " ...");
}
