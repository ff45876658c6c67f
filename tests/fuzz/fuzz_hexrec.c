/*
 * fuzz_hexrec.c - the Intel HEX and S-record readers (src/unpack/hexrec.c)
 * on hostile text: bad digits, lengths and checksums, address records
 * that jump far, overlapping and wrapping records, each input through
 * both readers with tests/fuzz/fuzz_reader.h.
 */
#include "fuzz_reader.h"
#include "unpack/hexrec.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_reader(&unpack_ihex, data, size);
    fuzz_reader(&unpack_srec, data, size);
    return 0;
}
