/*
 * bootimg.c - Android's boot and vendor_boot images (what mkbootimg
 * writes and fastboot flashes to the boot partitions).
 *
 * The layout (AOSP system/tools/mkbootimg, include/bootimg/bootimg.h, and
 * source.android.com "Boot image header"), little-endian, every section
 * starting at a page and padded to one:
 *
 * boot, header versions 0-2: "ANDROID!", kernel_size, kernel_addr,
 * ramdisk_size, ramdisk_addr, second_size, second_addr, tags_addr,
 * page_size, header_version, os_version, name[16], cmdline[512], id[32],
 * extra_cmdline[1024] (1632 bytes); version 1 adds recovery_dtbo_size,
 * recovery_dtbo_offset (64 bits) and header_size (1648); version 2
 * dtb_size and dtb_addr (64 bits; 1660). One header page, then kernel,
 * ramdisk, second, recovery_dtbo (1, 2), dtb (2).
 *
 * boot, versions 3 and 4: "ANDROID!", kernel_size, ramdisk_size,
 * os_version, header_size, reserved[4], header_version at 40, cmdline
 * (1536); version 4 adds signature_size (1584). Pages of 4096 bytes: the
 * header, kernel, ramdisk, then (4) the boot signature.
 *
 * vendor_boot, versions 3 and 4: "VNDRBOOT", header_version, page_size,
 * kernel_addr, ramdisk_addr, vendor_ramdisk_size, cmdline[2048],
 * tags_addr, name[16], header_size, dtb_size, dtb_addr (64 bits; 2112);
 * version 4 adds vendor_ramdisk_table_size, _entry_num, _entry_size and
 * bootconfig_size (2128). Header pages, the vendor ramdisk, dtb, then (4)
 * the ramdisk table and bootconfig. A table entry (108 bytes at least) is
 * ramdisk_size, ramdisk_offset (in the vendor ramdisk), ramdisk_type,
 * ramdisk_name[32], board_id[16]: each is an entry of its own.
 *
 * Entries are the sections present (not empty), named kernel, ramdisk,
 * second, recovery_dtbo, dtb, signature, vendor_ramdisk (or
 * vendor_ramdisk/NAME of the table), bootconfig; each is opened by the
 * audit in turn (a ramdisk is a cpio under gzip or lz4). A header version
 * past 4 is read with version 0's layout: old images used those bytes for
 * other things. A section that runs past the data is read as far as it
 * goes and reported as truncated. The id of a version 0-2 header, when it
 * is a SHA-1 as mkbootimg writes it, is checked after the last section:
 * a mismatch is an error there, the bytes are read all the same.
 */
#include "unpack/bootimg.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "base/bytes.h"
#include "base/digest.h"
#include "base/mem.h"
#include "unpack/image.h"

#define MAX_SECTIONS 64
#define TABLE_ENTRY_LEN 108 /* ramdisk size, offset, type, name, board id */
#define NAME_LEN 32

struct section {
    char name[16 + 4 * NAME_LEN]; /* vendor_ramdisk/ and the name escaped */
    uint64_t at, len;
    const char *error; /* it cannot be read, or NULL */
};

struct bootimg {
    struct bytes data;
    bool vendor;
    uint32_t version, page_size;
    struct section sections[MAX_SECTIONS];
    unsigned n_sections, cur; /* cur: the entry being read, + 1 */
    uint64_t end, padded_end; /* of the last section, and of its page */
    /* Versions 0-2: every section, empty or not, for the id. */
    struct {
        uint64_t at, len;
    } id_parts[5];
    unsigned n_id_parts;
    uint8_t id[32];
    bool check_id; /* the id looks like mkbootimg's SHA-1 */
    uint64_t given;
    bool done;
    char error[160];
};

static uint64_t pages(const struct bootimg *b, uint64_t n)
{
    return (n + b->page_size - 1) / b->page_size;
}

/* Lays a section of len bytes at page *page (a count of pages), and moves
   *page past it; it is an entry when keep is set and it is not empty. */
static void lay(struct bootimg *b, uint64_t *page, const char *name,
                uint64_t len, bool keep)
{
    uint64_t at = *page * b->page_size;

    if (!b->vendor && b->version != 3 && b->version != 4 &&
        b->n_id_parts < 5) {
        b->id_parts[b->n_id_parts].at = at;
        b->id_parts[b->n_id_parts++].len = len;
    }
    *page += pages(b, len);
    if (at + len > b->end)
        b->end = at + len;
    if (*page * b->page_size > b->padded_end)
        b->padded_end = *page * b->page_size;
    if (!keep || len == 0 || b->n_sections == MAX_SECTIONS)
        return;
    snprintf(b->sections[b->n_sections].name,
             sizeof(b->sections[0].name), "%s", name);
    b->sections[b->n_sections].at = at;
    b->sections[b->n_sections].len = len;
    b->n_sections++;
}

static uint32_t u32(const struct bootimg *b, uint64_t at)
{
    uint32_t v = 0;

    bytes_u32le(b->data, at, &v);
    return v;
}

static bool page_size_ok(uint32_t n)
{
    return n >= 2048 && n <= (1u << 20) && (n & (n - 1)) == 0;
}

/* A boot image's header (the data holds it); false when it is none. */
static bool boot_header(struct bootimg *b)
{
    uint64_t page = 1;

    b->version = u32(b, 40);
    if (b->version == 3 || b->version == 4) {
        if (!bytes_has(b->data, 0, b->version == 3 ? 1580 : 1584))
            return false;
        b->page_size = 4096;
        lay(b, &page, "kernel", u32(b, 8), true);
        lay(b, &page, "ramdisk", u32(b, 12), true);
        if (b->version == 4)
            lay(b, &page, "signature", u32(b, 1580), true);
        return true;
    }
    b->page_size = u32(b, 36);
    if (!page_size_ok(b->page_size) || !bytes_has(b->data, 0, 1632))
        return false;
    if ((b->version == 1 && !bytes_has(b->data, 0, 1648)) ||
        (b->version == 2 && !bytes_has(b->data, 0, 1660)))
        return false;
    lay(b, &page, "kernel", u32(b, 8), true);
    lay(b, &page, "ramdisk", u32(b, 16), true);
    lay(b, &page, "second", u32(b, 24), true);
    if (b->version == 1 || b->version == 2)
        lay(b, &page, "recovery_dtbo", u32(b, 1632), true);
    if (b->version == 2)
        lay(b, &page, "dtb", u32(b, 1648), true);
    /* mkbootimg's id: a SHA-1 in the first 20 of 32 bytes; other tools
       put other things there, which are not checked. */
    bytes_copy(b->data, 576, b->id, sizeof(b->id));
    for (unsigned i = 0; i < DIGEST_SHA1_LEN; i++)
        b->check_id |= b->id[i] != 0;
    for (unsigned i = DIGEST_SHA1_LEN; i < sizeof(b->id); i++)
        b->check_id &= b->id[i] == 0;
    return true;
}

/*
 * Whether the id of a version 0-2 header holds: the SHA-1 of each section
 * followed by its size as 32 bits (kernel, ramdisk, second, then
 * recovery_dtbo from version 1 and dtb from version 2), as mkbootimg
 * computes it. The sections are in the data.
 */
static bool id_matches(const struct bootimg *b)
{
    struct digest_sha1 d;
    uint8_t got[DIGEST_SHA1_LEN];

    digest_sha1_init(&d);
    for (unsigned i = 0; i < b->n_id_parts; i++) {
        uint64_t len = b->id_parts[i].len;
        uint8_t size[4] = {(uint8_t)len, (uint8_t)(len >> 8),
                           (uint8_t)(len >> 16), (uint8_t)(len >> 24)};
        struct bytes part;
        if (!bytes_slice(b->data, b->id_parts[i].at, len, &part))
            return false;
        digest_sha1_update(&d, part.p, part.len);
        digest_sha1_update(&d, size, sizeof(size));
    }
    digest_sha1_final(&d, got);
    return memcmp(got, b->id, sizeof(got)) == 0;
}

/* The name of table entry i: vendor_ramdisk/NAME, or its number when the
   name is empty; bytes other than printable ASCII as %XX. */
static void table_name(struct bootimg *b, struct section *s, uint64_t at,
                       uint32_t i)
{
    size_t n, len = 0;
    char *out = s->name;
    uint8_t name[NAME_LEN];

    bytes_cstr(b->data, at, NAME_LEN, &n);
    bytes_copy(b->data, at, name, n);
    len = (size_t)snprintf(out, sizeof(s->name), "vendor_ramdisk/");
    if (n == 0) {
        snprintf(out + len, sizeof(s->name) - len, "%" PRIu32, i);
        return;
    }
    for (size_t k = 0; k < n; k++) {
        uint8_t c = name[k];
        if (c > 0x20 && c < 0x7f && c != '%' && c != '/')
            out[len++] = (char)c;
        else
            len += (size_t)snprintf(out + len, sizeof(s->name) - len,
                                    "%%%02X", c);
    }
    out[len] = '\0';
}

/* A version 4 vendor ramdisk table at table: one entry a ramdisk, inside
   the vendor ramdisk section (at vr, vr_len bytes). */
static void ramdisk_table(struct bootimg *b, uint64_t table, uint64_t vr,
                          uint64_t vr_len)
{
    uint32_t n = u32(b, 2116), size = u32(b, 2120);
    uint64_t table_len = u32(b, 2112);

    for (uint32_t i = 0; i < n && b->n_sections < MAX_SECTIONS; i++) {
        uint64_t at = table + (uint64_t)i * size;
        struct section *s = &b->sections[b->n_sections++];
        uint32_t len = 0, off = 0;
        table_name(b, s, at + 12, i);
        if ((uint64_t)(i + 1) * size > table_len ||
            !bytes_u32le(b->data, at, &len) ||
            !bytes_u32le(b->data, at + 4, &off)) {
            s->error = "truncated in the vendor ramdisk table";
            continue;
        }
        s->at = vr + off;
        s->len = len;
        if ((uint64_t)off + len > vr_len)
            s->error = "a ramdisk of the table runs past the vendor ramdisk";
    }
}

/* A vendor_boot image's header; false when it is none. A version 4 image
   with a ramdisk table gives the table's ramdisks, not the section. */
static bool vendor_header(struct bootimg *b)
{
    uint64_t page, vr, vr_len, table;
    bool tabled;

    b->version = u32(b, 8);
    b->page_size = u32(b, 12);
    if ((b->version != 3 && b->version != 4) ||
        !page_size_ok(b->page_size) ||
        !bytes_has(b->data, 0, b->version == 3 ? 2112 : 2128))
        return false;
    tabled = b->version == 4 && u32(b, 2112) > 0 && u32(b, 2116) > 0 &&
             u32(b, 2120) >= TABLE_ENTRY_LEN;
    page = pages(b, b->version == 3 ? 2112 : 2128);
    vr = page * b->page_size;
    vr_len = u32(b, 24);
    lay(b, &page, "vendor_ramdisk", vr_len, !tabled);
    lay(b, &page, "dtb", u32(b, 2100), true);
    if (b->version == 3)
        return true;
    table = page * b->page_size;
    lay(b, &page, "vendor_ramdisk_table", u32(b, 2112), false);
    lay(b, &page, "bootconfig", u32(b, 2124), true);
    if (tabled)
        ramdisk_table(b, table, vr, vr_len);
    return true;
}

static enum unpack_result open_bootimg(const uint8_t *data, size_t len,
                                       void **out, char *msg, size_t msg_len)
{
    struct bootimg *b;
    bool ok;

    (void)msg;
    (void)msg_len;
    if (len < 8 || (memcmp(data, "ANDROID!", 8) != 0 &&
                    memcmp(data, "VNDRBOOT", 8) != 0))
        return UNPACK_NOT_CONTAINER;
    b = mem_calloc(1, sizeof(*b));
    if (b == NULL)
        return UNPACK_NOMEM;
    b->data = bytes_make(data, len);
    b->vendor = data[0] == 'V';
    ok = b->vendor ? vendor_header(b) : boot_header(b);
    if (!ok) {
        mem_free(b);
        return UNPACK_NOT_CONTAINER;
    }
    *out = b;
    return UNPACK_OK;
}

static void close_bootimg(void *state)
{
    mem_free(state);
}

static enum unpack_result next(void *state, struct unpack_entry *e)
{
    struct bootimg *b = state;
    const struct section *s;

    if (b->cur == b->n_sections)
        return UNPACK_END;
    s = &b->sections[b->cur++];
    memset(e, 0, sizeof(*e));
    e->path = s->name;
    e->kind = UNPACK_REGULAR;
    e->mode = 0644;
    e->size = (int64_t)s->len;
    b->given = 0;
    b->done = false;
    return UNPACK_OK;
}

static void read_data(void *state, struct unpack_sink *sink)
{
    struct bootimg *b = state;
    const struct section *s = &b->sections[b->cur - 1];
    uint64_t have = s->at < b->data.len ? b->data.len - s->at : 0;

    if (b->done)
        return;
    if (s->error != NULL) {
        b->done = true;
        snprintf(b->error, sizeof(b->error), "bootimg: %s", s->error);
        unpack_sink_fail(sink);
        return;
    }
    if (have > s->len)
        have = s->len;
    if (!image_put(sink, have > 0 ? b->data.p + s->at : NULL, have,
                   &b->given))
        return;
    b->done = true;
    if (have < s->len) {
        snprintf(b->error, sizeof(b->error),
                 "bootimg: truncated: the header gives %s %" PRIu64
                 " bytes at 0x%" PRIx64 ", %" PRIu64 " are there",
                 s->name, s->len, s->at, have);
        unpack_sink_fail(sink);
    } else if (b->cur == b->n_sections && b->check_id &&
               b->end <= b->data.len && !id_matches(b)) {
        snprintf(b->error, sizeof(b->error),
                 "bootimg: the header's id is not the SHA-1 of the "
                 "sections");
        unpack_sink_fail(sink);
    }
}

static const char *error(const void *state)
{
    const struct bootimg *b = state;

    return b->error[0] ? b->error : "bootimg: corrupt image";
}

static const char *format(const void *state)
{
    const struct bootimg *b = state;

    return b->vendor ? "vendor_boot" : "bootimg";
}

/* The image with its last page's padding, or without when that is cut. */
static uint64_t extent(const void *state)
{
    const struct bootimg *b = state;

    if (b->padded_end <= b->data.len)
        return b->padded_end;
    return b->end <= b->data.len ? b->end : 0;
}

/* Every section inside the data: "ANDROID!" in a boot loader's strings
   is no image. */
static bool verified(const void *state)
{
    const struct bootimg *b = state;

    return b->end <= b->data.len;
}

static const struct unpack_magic magics[] = {{"ANDROID!", 8, 0},
                                             {"VNDRBOOT", 8, 0}};

const struct unpack_reader unpack_bootimg = {
    .name = "bootimg",
    .magics = magics,
    .n_magics = 2,
    .open = open_bootimg,
    .close = close_bootimg,
    .next = next,
    .read = read_data,
    .error = error,
    .format = format,
    .extent = extent,
    .verified = verified,
};
