/*
 * fstree.h - the walk of a file system image's directory tree, shared by
 * the readers of file systems (squashfs.c, ext.c).
 *
 * A reader gives the entries of an image depth first: an entry, then, if
 * it is a directory, everything below it. fstree keeps the directories
 * being read (a stack, root first, each with the reader's cursor in its
 * listing), builds each entry's path, and bounds what a hostile image can
 * make of its tree:
 *   - a directory is read once: an entry that leads to a directory already
 *     read (a loop back to an ancestor, or the same directory reached by
 *     two paths) is refused, so the walk ends and cannot multiply;
 *   - at most FSTREE_MAX_DEPTH directories deep, FSTREE_MAX_PATH bytes of
 *     path;
 *   - the directories read and the first paths of hard-linked inodes are
 *     remembered in at most FSTREE_MAX_MEMORY bytes.
 * The number of entries is the caller's limit (the audit's --max-files):
 * a reader does a bounded amount of work for each entry it gives.
 *
 * Identities are the reader's 64-bit inode identities (a SquashFS inode
 * reference, an ext inode number). Paths are relative to the root, without
 * a leading '/' ("usr/sbin/httpd"), names as stored, cut at a NUL byte.
 * The tree owns every string it returns; fstree_path is valid until the
 * next fstree_name, link paths until fstree_fini.
 */
#ifndef CANDOR_UNPACK_FSTREE_H
#define CANDOR_UNPACK_FSTREE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/arena.h"
#include "base/map.h"

#define FSTREE_MAX_DEPTH 256
#define FSTREE_MAX_PATH 16384
#define FSTREE_MAX_MEMORY (64u << 20)

/* A directory being read. */
struct fstree_dir {
    char *path; /* "" for the root */
    size_t len;
    void *cursor; /* the reader's, freed by the reader (fstree_pop) */
};

struct fstree {
    struct fstree_dir *dirs;
    size_t n_dirs, cap_dirs;
    char *path; /* the current entry's */
    size_t path_len;
    struct map seen;   /* 'd' + id: directories read; 'l' + id: links */
    struct arena keys; /* the map's keys and the links' first paths */
};

enum fstree_status {
    FSTREE_OK,
    FSTREE_SEEN,   /* push: that directory was read already */
    FSTREE_DEEP,   /* push: deeper than FSTREE_MAX_DEPTH */
    FSTREE_LONG,   /* name: the path would be longer than FSTREE_MAX_PATH */
    FSTREE_FULL,   /* push: FSTREE_MAX_MEMORY of identities remembered */
    FSTREE_NOMEM,
};

void fstree_init(struct fstree *t);
/* Frees everything but the cursors, which the reader pops first. */
void fstree_fini(struct fstree *t);
/* Pops every directory, each cursor freed by free_cursor, then
   fstree_fini. */
void fstree_close(struct fstree *t, void (*free_cursor)(void *));

/* The directory whose listing is being read; NULL when the walk is over. */
static inline struct fstree_dir *fstree_top(struct fstree *t)
{
    return t->n_dirs > 0 ? &t->dirs[t->n_dirs - 1] : NULL;
}

/* Ends the top directory; gives back its cursor for the reader to free. */
void *fstree_pop(struct fstree *t);

/*
 * Sets the current path: the top directory's path, '/', name (its first
 * len bytes, up to a NUL). FSTREE_LONG leaves the path "" .
 */
enum fstree_status fstree_name(struct fstree *t, const char *name, size_t len);
static inline const char *fstree_path(const struct fstree *t)
{
    return t->path != NULL ? t->path : "";
}

/*
 * Starts reading the directory with identity id at the current path (the
 * root: call before any fstree_name, its path is ""). On FSTREE_OK the
 * tree holds cursor until fstree_pop; on any other status the reader
 * keeps it.
 */
enum fstree_status fstree_push(struct fstree *t, uint64_t id, void *cursor);

/*
 * For an inode that has more than one name: the path it was first given
 * under, or NULL when this is the first time (the current path is then
 * remembered for it, if there is room).
 */
const char *fstree_link(struct fstree *t, uint64_t id);

/* A sentence for the status, for a reader's error message. */
const char *fstree_status_str(enum fstree_status s);

/*
 * Adds a sentence (printf's format) to the message in buf, of cap bytes,
 * after "; " when it holds one already: the warnings a file system reader
 * gathers and gives as its next entry's failure. Cut to fit.
 */
void fstree_warn(char *buf, size_t cap, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

#endif
