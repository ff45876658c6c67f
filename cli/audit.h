/*
 * audit.h - `candor audit`: unpack products recursively and scan every file
 * inside with YARA rules (src/audit; docs/audit.md).
 */
#ifndef CANDOR_CLI_AUDIT_H
#define CANDOR_CLI_AUDIT_H

/* `candor audit [OPTION]... PRODUCT...`: 0, 1 (--fail-on) or 2 (usage). */
int audit_main(int argc, char **argv);

#endif
