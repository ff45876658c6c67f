/*
 * walk.h - the files of a directory, in the order yara 4.2.3 visits them.
 *
 * Entries come in readdir order (the file system's, not sorted); a
 * subdirectory is entered, with -r, where readdir meets it (depth first),
 * and a regular file is handed to the visitor where it is met. Symbolic
 * links are followed unless follow is false, in which case every link is
 * skipped silently (the directory given itself is always entered).
 *
 * Where candor departs from yara, on purpose (docs/cli.md):
 *  - a directory that is one of its own ancestors (a link back up, which
 *    makes yara go round until paths grow too long) is not entered again;
 *    directories are compared by device and inode;
 *  - FIFOs, sockets and devices are skipped with a warning (yara is
 *    silent), and are never opened, so a FIFO cannot block the walk;
 *  - entries that vanish or cannot be examined, and directories that cannot
 *    be read, give a warning (yara is silent) and the walk goes on.
 * Files of skip_larger bytes or more (when skip_larger > 0) are skipped
 * with yara's message, which -w does not silence.
 */
#ifndef CANDOR_CLI_WALK_H
#define CANDOR_CLI_WALK_H

#include <stdbool.h>

#include "output.h"

struct walk_opts {
    bool recursive;
    bool follow;           /* follow symbolic links (no -N) */
    long long skip_larger; /* -z */
};

/*
 * Called with each file's path (dir "/" name, as yara builds it, so "d/"
 * gives "d//f"); the path is the visitor's to keep and free. Returns false
 * to stop the walk (out of memory).
 */
typedef bool (*walk_fn)(void *ctx, char *path);

/* Walks dir; false when the visitor stopped it or memory ran out. */
bool walk_dir(const char *dir, const struct walk_opts *opts, walk_fn fn,
              void *ctx, struct output *out);

#endif
