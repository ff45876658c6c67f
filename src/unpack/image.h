/*
 * image.h - what the firmware image readers share (uimage.c, fit.c,
 * trx.c, android.c): the CRC-32 their headers carry, and giving an
 * entry that is a slice of the data to a sink, in as many calls as the
 * caller makes (unpack.h: a read goes on where the last one stopped).
 */
#ifndef CANDOR_UNPACK_IMAGE_H
#define CANDOR_UNPACK_IMAGE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <zlib.h>

#include "unpack/unpack.h"

/*
 * Continues crc (0 to start) over the n bytes at p: ISO 3309's CRC-32 as
 * zlib computes it (reflected polynomial 0xEDB88320, preset to all ones,
 * inverted at the end), over any length (zlib counts in 32 bits).
 */
static inline uint32_t image_crc32(uint32_t crc, const uint8_t *p, size_t n)
{
    while (n > 0) {
        uInt piece = n > (1u << 30) ? (1u << 30) : (uInt)n;
        crc = (uint32_t)crc32(crc, p, piece);
        p += piece;
        n -= piece;
    }
    return crc;
}

/*
 * Gives the n bytes at p to sink from *given on (what earlier calls gave)
 * and adds what the sink took to *given. True once all n were given; p
 * is not looked at when n is 0.
 */
static inline bool image_put(struct unpack_sink *sink, const uint8_t *p,
                             uint64_t n, uint64_t *given)
{
    uint64_t before = sink->total;

    if (*given < n)
        unpack_sink_put(sink, p + *given, (size_t)(n - *given));
    *given += sink->total - before;
    return *given >= n;
}

#endif
