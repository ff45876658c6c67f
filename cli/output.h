/*
 * output.h - the one place that writes to stdout and stderr while threads
 * scan, so that what is printed about one file comes out as one block.
 *
 * struct output is shared by every thread; its lock is recursive, so that
 * a worker that holds it to stream a long block may still print a warning.
 * Warnings are dropped when -w was given; errors never are.
 */
#ifndef CANDOR_CLI_OUTPUT_H
#define CANDOR_CLI_OUTPUT_H

#include <pthread.h>
#include <stdbool.h>

#include "outbuf.h"

struct output {
    pthread_mutex_t lock;
    bool no_warnings;
    bool write_failed; /* stdout could not be written (e.g. a full disk) */
};

void output_init(struct output *o, bool no_warnings);
void output_fini(struct output *o);

void output_lock(struct output *o);
void output_unlock(struct output *o);

/* Writes b to stdout and clears it; takes the lock for the time. */
void output_block(struct output *o, struct outbuf *b);

/* A line on stderr (the newline is added); stdout is flushed first. */
void output_error(struct output *o, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
void output_warning(struct output *o, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

#endif
