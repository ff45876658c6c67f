/*
 * carve.h - finds containers inside other data: a firmware image is a
 * header, a kernel, a file system and padding glued together.
 *
 * One vectorscan pass (match/literals.h) looks for the magic numbers of
 * every reader at once; each occurrence is a candidate container that
 * starts at the occurrence less the magic's offset. The caller opens each
 * candidate with its reader, which validates the header before anything
 * is read, and goes on after the extent of what opened.
 *
 * A carver belongs to one thread.
 */
#ifndef CANDOR_UNPACK_CARVE_H
#define CANDOR_UNPACK_CARVE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "candor.h"
#include "unpack/unpack.h"

struct carve_candidate {
    uint64_t offset; /* where the container would start */
    const struct unpack_reader *reader;
};

struct carver;

enum candor_status carver_new(struct carver **out);
void carver_free(struct carver *c);

/*
 * The candidates in data that start at from or later, in increasing
 * offset (readers in the table's order at one offset), each once; at most
 * max of them, *more set when there were more. *out is a new array (free
 * with mem_free; NULL when there are none): the caller opens candidates
 * that are carved in turn with the same carver.
 */
enum candor_status carver_find(struct carver *c, const uint8_t *data,
                               size_t len, uint64_t from, size_t max,
                               struct carve_candidate **out, size_t *n,
                               bool *more);

#endif
