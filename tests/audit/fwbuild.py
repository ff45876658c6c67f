#!/usr/bin/env python3
"""fwbuild.py - firmware images that Debian has no tool to make, built
from their published descriptions (never from candor's readers).

As a module: trx(), sparse(), boot_v4(), vendor_boot_v4(),
ihex_segmented(). As a command (for groundtruth.py's
FORMATS):
    fwbuild.py trx OUT FILE...      a TRX v1 image of the files
"""
import struct
import sys
import zlib


def trx(parts, version=1, bin_ff=True):
    """A TRX image as OpenWrt's trx tool writes one (firmware-utils
    src/trx.c; the header on openwrt.org, docs/techref/headers): "HDR0",
    the length, a CRC-32, flags 0 and the version, then 3 (v1) or 4 (v2)
    partition offsets from the header's start; each file is padded with
    zeros to 4 bytes, the image to 4 KiB. The CRC is ISO 3309's
    (0xEDB88320, preset to all ones) without the final inversion, from
    the flags to the end; in v2 the bytes 22-29 of the fourth partition
    (the BIN header) count as 0xFF. Returns (image, [(offset, padded
    length)] of the partitions)."""
    n_slots = 3 if version == 1 else 4
    body = bytearray(16 + 4 * n_slots)
    offsets = []
    for p in parts:
        offsets.append(len(body))
        body += p + b"\0" * (-len(p) % 4)
    body += b"\0" * (-len(body) % 4096)
    struct.pack_into("<4sIII", body, 0, b"HDR0", len(body), 0,
                     version << 16)
    for i, off in enumerate(offsets):
        struct.pack_into("<I", body, 16 + 4 * i, off)
    view = bytearray(body)
    if version == 2 and len(offsets) == 4 and bin_ff:
        view[offsets[3] + 22:offsets[3] + 30] = b"\xff" * 8
    crc = zlib.crc32(bytes(view[12:])) ^ 0xffffffff
    struct.pack_into("<I", body, 8, crc)
    ends = offsets[1:] + [len(body)]
    return bytes(body), [(o, e - o) for o, e in zip(offsets, ends)]


SPARSE_RAW, SPARSE_FILL, SPARSE_DONT_CARE, SPARSE_CRC32 = (
    0xCAC1, 0xCAC2, 0xCAC3, 0xCAC4)


def sparse(chunks, blk_sz=4096, total_blks=None, image_crc=False,
           header_extra=b"", chunk_extra=b""):
    """An Android sparse image laid out as AOSP's libsparse describes it
    (system/core/libsparse/sparse_format.h), for what img2simg does not
    write (don't-care and CRC32 chunks, an image checksum, longer
    headers). chunks: (type, blocks, data): RAW data is the blocks' bytes,
    FILL data the 4-byte value, DONT_CARE none, CRC32 none (the CRC-32 of
    the image expanded so far is put in). The file header: magic
    0xED26FF3A, major 1, minor 0, file_hdr_sz, chunk_hdr_sz, blk_sz,
    total_blks (default: the chunks' blocks), total_chunks and
    image_checksum (the CRC-32 of the whole expanded image when
    image_crc, else 0); a chunk header: type, reserved, chunk_sz in
    blocks, total_sz in bytes with the header. Returns (image, the
    expanded image)."""
    out = bytearray()
    expanded = bytearray()
    for ctype, blocks, data in chunks:
        if ctype == SPARSE_RAW:
            assert len(data) == blocks * blk_sz
            expanded += data
        elif ctype == SPARSE_FILL:
            expanded += data * (blocks * blk_sz // 4)
        elif ctype == SPARSE_DONT_CARE:
            expanded += bytes(blocks * blk_sz)
            data = b""
        else:
            data = struct.pack("<I", zlib.crc32(bytes(expanded)))
        out += struct.pack("<HHII", ctype, 0, blocks,
                           12 + len(chunk_extra) + len(data))
        out += chunk_extra + data
    if total_blks is None:
        total_blks = len(expanded) // blk_sz
    expanded += bytes(total_blks * blk_sz - len(expanded))
    crc = zlib.crc32(bytes(expanded)) if image_crc else 0
    header = struct.pack("<IHHHHIIII", 0xED26FF3A, 1, 0,
                         28 + len(header_extra), 12 + len(chunk_extra),
                         blk_sz, total_blks, len(chunks), crc)
    return header + header_extra + bytes(out), bytes(expanded)


def _pad(data, page):
    return data + b"\0" * (-len(data) % page)


def boot_v4(kernel, ramdisk, signature, cmdline=b"console=ttyS0"):
    """An Android boot image with header version 4, which Debian's
    mkbootimg (Android 10's, versions 0-3) does not write, laid out as
    AOSP's include/bootimg/bootimg.h (struct boot_img_hdr_v4) and
    source.android.com's "Boot image header" page describe it: "ANDROID!",
    kernel_size, ramdisk_size, os_version, header_size (1584), 4 reserved
    words, header_version 4, cmdline[1536], signature_size; then pages of
    4096 bytes: the header, the kernel, the ramdisk, the boot signature,
    each padded to a page."""
    header = struct.pack("<8sIIII4II1536sI", b"ANDROID!", len(kernel),
                         len(ramdisk), 0, 1584, 0, 0, 0, 0, 4, cmdline,
                         len(signature))
    return b"".join(_pad(x, 4096)
                    for x in (header, kernel, ramdisk, signature))


def vendor_boot_v4(page, ramdisks, dtb, bootconfig, name=b"candor"):
    """An Android vendor_boot image with header version 4 (bootimg.h,
    struct vendor_boot_img_hdr_v4 and vendor_ramdisk_table_entry_v4):
    "VNDRBOOT", header_version, page_size, kernel_addr, ramdisk_addr,
    vendor_ramdisk_size, cmdline[2048], tags_addr, name[16], header_size
    (2128), dtb_size, dtb_addr (64 bits), vendor_ramdisk_table_size,
    _entry_num, _entry_size (108), bootconfig_size; then, each padded to a
    page: the header, the ramdisks one after the other, the dtb, the table
    (per ramdisk: size, offset in the vendor ramdisk, type, name[32],
    board_id[16 words]) and the bootconfig. ramdisks: (name, data,
    type)."""
    table = b""
    offset = 0
    for rd_name, data, rd_type in ramdisks:
        table += struct.pack("<III32s16I", len(data), offset, rd_type,
                             rd_name, *([0] * 16))
        offset += len(data)
    vr = b"".join(data for _, data, _ in ramdisks)
    header = struct.pack("<8sIIIII2048sI16sIIQIIII", b"VNDRBOOT", 4, page,
                         0x10008000, 0x11000000, len(vr), b"quiet",
                         0x10000100, name, 2128, len(dtb), 0x11f00000,
                         len(table), len(ramdisks), 108, len(bootconfig))
    return b"".join(_pad(x, page)
                    for x in (header, vr, dtb, table, bootconfig))


def ihex_record(rtype, offset, data):
    """One Intel HEX line (Intel's Hexadecimal Object File Format
    Specification, rev. A): ':', the byte count, a 16-bit offset, the
    type, the data, and the checksum that makes the record's bytes sum to
    0 modulo 256."""
    body = bytes([len(data), offset >> 8 & 0xff, offset & 0xff, rtype]) + data
    return ":%s%02X\n" % (body.hex().upper(), -sum(body) & 0xff)


def ihex_segmented(regions, per_line=16):
    """Intel HEX with extended segment address records (type 02, the
    8086's segment:offset: address = segment * 16 + offset), which
    objcopy and srec_cat do not write: regions are (address, bytes), each
    below 1 MiB and not crossing a 64 KiB segment from the segment chosen
    (address >> 4 rounded down to 4 KiB)."""
    out = []
    for addr, data in regions:
        seg = (addr >> 4) & 0xF000
        out.append(ihex_record(2, 0, bytes([seg >> 8, 0])))
        for i in range(0, len(data), per_line):
            off = addr - (seg << 4) + i
            assert off + len(data[i:i + per_line]) <= 0x10000
            out.append(ihex_record(0, off, data[i:i + per_line]))
    out.append(ihex_record(3, 0, b"\x12\x34\x56\x78"))  # a start address
    out.append(ihex_record(1, 0, b""))
    return "".join(out).encode()


if __name__ == "__main__":
    if sys.argv[1] == "trx":
        image, _ = trx([open(f, "rb").read() for f in sys.argv[3:]])
        with open(sys.argv[2], "wb") as f:
            f.write(image)
