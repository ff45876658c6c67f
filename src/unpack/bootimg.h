/*
 * bootimg.h - Android's boot images (header versions 0-4, "ANDROID!") and
 * vendor_boot images (3 and 4, "VNDRBOOT"): page-aligned sections, each
 * an entry (kernel, ramdisk, second, recovery_dtbo, dtb, ...).
 */
#ifndef CANDOR_UNPACK_BOOTIMG_H
#define CANDOR_UNPACK_BOOTIMG_H

#include "unpack/unpack.h"

extern const struct unpack_reader unpack_bootimg;

#endif
