/*
 * fit.h - U-Boot's Flattened Image Tree (FIT): a device tree whose
 * /images nodes hold the images, embedded or as external data.
 */
#ifndef CANDOR_UNPACK_FIT_H
#define CANDOR_UNPACK_FIT_H

#include "unpack/unpack.h"

extern const struct unpack_reader unpack_fit;

#endif
