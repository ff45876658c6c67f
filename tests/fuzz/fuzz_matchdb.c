/*
 * fuzz_matchdb.c - the pattern-database loader on hostile bytes.
 *
 * The first byte says whether to load with the key "fuzz-key" (bit 0); the
 * rest is a serialized database (the seeds were saved with and without that
 * key). Loading must refuse or validate everything; a loaded database scans
 * a small buffer and is saved and loaded once more, which must succeed.
 * Mutated bytes never pass the HMAC, so vectorscan's deserializer only ever
 * sees bytes a key holder wrote.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "match/match.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const uint8_t sample[] =
    "NEEDLE n\0e\0e\0d\0l\0e\0 `c .ca MZ!ZabcP needle7 555-1234 ab\x00";
static const uint8_t key[] = "fuzz-key";

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct match_db *db = NULL, *again = NULL;
    struct match_scratch *sc = NULL;
    struct match_scan_opts opts = {.max_per_string = 1000};
    size_t klen;
    struct buf b;

    if (size < 1 || size > (1u << 20))
        return 0;
    klen = (data[0] & 1) ? sizeof(key) - 1 : 0;
    opts.lazy = (data[0] & 2) != 0;
    if (match_db_load(bytes_make(data + 1, size - 1), key, klen, &db) !=
        CANDOR_OK)
        return 0;
    if (match_scratch_new(db, &sc) == CANDOR_OK &&
        match_scan(db, sc, sample, sizeof(sample) - 1, &opts) == CANDOR_OK)
        for (uint32_t i = match_db_string_count(db); i-- > 0;)
            (void)match_scratch_list(sc, i); /* lazy: verified now */
    match_scratch_free(sc);
    buf_init(&b, 1u << 26);
    if (match_db_save(db, &b, key, sizeof(key) - 1) == CANDOR_OK &&
        match_db_load(bytes_make(b.data, b.len), key, sizeof(key) - 1,
                      &again) != CANDOR_OK)
        abort(); /* what we saved must load */
    match_db_free(again);
    buf_fini(&b);
    match_db_free(db);
    return 0;
}
