/*
 * hexrec.h - firmware as text records: Intel HEX (unpack_ihex) and
 * Motorola S-records (unpack_srec), each laid out as one memory image
 * from its lowest address, gaps as 0xFF.
 */
#ifndef CANDOR_UNPACK_HEXREC_H
#define CANDOR_UNPACK_HEXREC_H

#include "unpack/unpack.h"

extern const struct unpack_reader unpack_ihex;
extern const struct unpack_reader unpack_srec;

#endif
