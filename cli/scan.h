/*
 * scan.h - `candor scan`, a drop-in for the `yara` command: yara 4.2.3's
 * options, output, messages and exit codes (docs/cli.md).
 */
#ifndef CANDOR_CLI_SCAN_H
#define CANDOR_CLI_SCAN_H

/* `candor scan [OPTION]... [NS:]RULES_FILE... FILE|DIR`: the exit code. */
int scan_main(int argc, char **argv);

#endif
