/*
 * main.c - the `candor` command: dispatches to its subcommands.
 *
 *   candor scan ...      yara's command (scan.c)
 *   candor compile ...   yarac's command (compile.c)
 *   candor audit ...     unpack products and scan everything inside (audit.c)
 *   candor help [CMD]    usage, or a subcommand's help
 *   candor --version     the version
 */
#include <stdio.h>
#include <string.h>

#include "audit.h"
#include "candor.h"
#include "compile.h"
#include "scan.h"

static void usage(FILE *f)
{
    fprintf(f, "Usage: candor COMMAND [OPTION]... [ARGUMENT]...\n"
               "\n"
               "Commands:\n"
               "  scan      scan files or directories with YARA rules "
               "(yara's options)\n"
               "  compile   compile YARA rules into one file for "
               "`candor scan -C` (yarac's)\n"
               "  audit     unpack products (archives of archives) and scan "
               "every file inside\n"
               "  help      this text, or `candor help COMMAND` for a "
               "command's options\n"
               "\n"
               "Example: candor scan -s -r demo/rules/demo.yar demo/sample\n"
               "Options: candor --version, candor --help. See docs/cli.md.\n");
}

static int help(int argc, char **argv)
{
    char *args[] = {argv[1], (char *)"--help", NULL};

    if (argc >= 2 && strcmp(argv[1], "scan") == 0)
        return scan_main(2, args);
    if (argc >= 2 && strcmp(argv[1], "compile") == 0)
        return compile_main(2, args);
    if (argc >= 2 && strcmp(argv[1], "audit") == 0)
        return audit_main(2, args);
    usage(stdout);
    return 0;
}

int main(int argc, char **argv)
{
    const char *cmd = argc >= 2 ? argv[1] : NULL;

    if (cmd == NULL) {
        usage(stderr);
        return 1;
    }
    if (strcmp(cmd, "scan") == 0)
        return scan_main(argc - 1, argv + 1);
    if (strcmp(cmd, "compile") == 0)
        return compile_main(argc - 1, argv + 1);
    if (strcmp(cmd, "audit") == 0)
        return audit_main(argc - 1, argv + 1);
    if (strcmp(cmd, "help") == 0 || strcmp(cmd, "--help") == 0 ||
        strcmp(cmd, "-h") == 0)
        return help(argc - 1, argv + 1);
    if (strcmp(cmd, "--version") == 0 || strcmp(cmd, "-v") == 0 ||
        strcmp(cmd, "version") == 0) {
        printf("candor %s\n", CANDOR_VERSION);
        return 0;
    }
    fprintf(stderr, "candor: unknown command `%s`\n", cmd);
    usage(stderr);
    return 1;
}
