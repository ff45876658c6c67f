/*
 * fuzz_reader.h - the body of a fuzz target for one container reader
 * (src/unpack): the input is opened with that reader only, every entry's
 * header is taken and its data read into a sink with small limits (1 MiB
 * an entry, ratio 1000, 200 entries, 10 seconds), every string of an entry
 * is read to its end, and its extent asked. Include it in fuzz_NAME.c and
 * call fuzz_reader(&unpack_NAME, data, size).
 */
#ifndef CANDOR_FUZZ_READER_H
#define CANDOR_FUZZ_READER_H

#include <stdint.h>
#include <string.h>

#include "base/mem.h"
#include "unpack/unpack.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static size_t fuzz_reader_sink_;

static void fuzz_reader(const struct unpack_reader *r, const uint8_t *data,
                        size_t size)
{
    struct unpack u;
    char msg[256];
    double deadline = unpack_now() + 10;

    if (size > (1u << 20) ||
        unpack_open_with(r, data, size, &u, msg, sizeof(msg)) != UNPACK_OK)
        return;
    fuzz_reader_sink_ += strlen(unpack_format(&u)) + unpack_levels(&u);
    for (int i = 0; i < 200; i++) {
        struct unpack_entry e;
        struct unpack_sink sink;
        enum unpack_result rc = unpack_next(&u, &e);
        if (rc == UNPACK_END || rc == UNPACK_FATAL) {
            fuzz_reader_sink_ += strlen(unpack_error(&u));
            break;
        }
        if (rc != UNPACK_OK)
            continue;
        fuzz_reader_sink_ += strlen(e.path) + (e.link ? strlen(e.link) : 0);
        unpack_sink_init(&sink, 1u << 20, (uint64_t)size * 1000, deadline);
        unpack_read(&u, &sink);
        if (sink.len > 0)
            fuzz_reader_sink_ += sink.data[0] + sink.data[sink.len - 1];
        mem_free(sink.data);
    }
    fuzz_reader_sink_ += (size_t)unpack_extent(&u);
    unpack_close(&u);
}

#endif
