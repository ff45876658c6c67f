/*
 * pe_signatures.c - what identifies a PE's origin: its Authenticode
 * signatures (by OpenSSL), the Rich header of Microsoft's linker and the
 * PDB path of its CodeView debug record, as yara 4.2.3 gives them.
 *
 * Signatures: the security directory's "virtual address" is a file offset
 * (PE/COFF specification, "The Attribute Certificate Table"); it holds
 * WIN_CERTIFICATE entries (length, revision 0x100 or 0x200, type 2 for
 * PKCS#7 signed data, the DER), each 8-byte aligned. yara lists the signer
 * certificates of each PKCS#7 (not the chain, nor nested signatures), and
 * stops at the first entry that is not such a signature.
 */
#include <openssl/objects.h>
#include <openssl/pkcs7.h>
#include <openssl/x509.h>
#include <stdio.h>
#include <time.h>

#include "modules/pe.h"

/* ---- Rich header -------------------------------------------------------- */

#define RICH_DANS 0x536e6144u /* "DanS" */
#define RICH_RICH 0x68636952u /* "Rich" */

/*
 * From 0x80: "DanS" XOR a key, the key three times, then (id, count)
 * pairs, up to "Rich" (searched no further than the file header's end).
 * offset, length (to "Rich"), key, the raw bytes and the bytes XORed with
 * the key.
 */
void pe_parse_rich(struct pe *pe)
{
    uint32_t key = pe_u32(pe, 0x84), lfanew = pe_u32(pe, 0x3c);
    uint64_t end = (uint64_t)lfanew + 24, len = 0;
    struct mod_obj *rich;
    uint8_t *clear;

    if (!bytes_has(pe->b, 0x80, 16) || pe_u32(pe, 0x88) != key ||
        pe_u32(pe, 0x8c) != key || (pe_u32(pe, 0x80) ^ key) != RICH_DANS)
        return;
    for (uint64_t p = 0x80;; p += 4) {
        if (p > end || !bytes_has(pe->b, p, 4))
            return;
        if (pe_u32(pe, p) == RICH_RICH) {
            len = p - 0x80;
            break;
        }
    }
    rich = mod_obj_child(pe->arena, pe->root, PE_RICH_SIGNATURE);
    if (rich == NULL || (clear = arena_alloc(pe->arena, len + 1)) == NULL)
        return;
    mod_set_int(rich, PE_RICH_OFFSET, 0x80);
    mod_set_int(rich, PE_RICH_LENGTH, (int64_t)len);
    mod_set_int(rich, PE_RICH_KEY, key);
    memcpy(clear, pe->b.p + 0x80, (size_t)len);
    for (uint64_t i = 0; i + 4 <= len; i += 4) {
        clear[i] ^= (uint8_t)key;
        clear[i + 1] ^= (uint8_t)(key >> 8);
        clear[i + 2] ^= (uint8_t)(key >> 16);
        clear[i + 3] ^= (uint8_t)(key >> 24);
    }
    mod_set_str(pe->arena, rich, PE_RICH_RAW_DATA, pe->b.p + 0x80,
                (size_t)len);
    mod_set_str(pe->arena, rich, PE_RICH_CLEAR_DATA, clear, (size_t)len);
}

/* The sum of the counts of the entries whose version (low 16 bits of the
 * id) and tool id (high 16 bits) match those asked for. */
static void rich_count(struct mod_call *c, int64_t version, bool has_version,
                       int64_t toolid, bool has_toolid)
{
    struct mod_val len = mod_get(c->self, PE_RICH_LENGTH);
    struct mod_val data = mod_get(c->self, PE_RICH_CLEAR_DATA);
    uint32_t sum = 0;

    if (len.type != MV_INT || data.type != MV_STR)
        return;
    for (uint64_t off = 16; off + 8 <= data.len; off += 8) {
        struct bytes b = bytes_make(data.u.s, data.len);
        uint32_t id = 0, times = 0;
        bytes_u32le(b, off, &id);
        bytes_u32le(b, off + 4, &times);
        if ((!has_version || version == (id & 0xffff)) &&
            (!has_toolid || toolid == (id >> 16)))
            sum += times;
    }
    mod_ret_int(c, sum);
}

static void rich_version(struct mod_call *c)
{
    rich_count(c, c->args[0].u.i, true, 0, false);
}

static void rich_version_toolid(struct mod_call *c)
{
    rich_count(c, c->args[0].u.i, true, c->args[1].u.i, true);
}

static void rich_toolid(struct mod_call *c)
{
    rich_count(c, 0, false, c->args[0].u.i, true);
}

static void rich_toolid_version(struct mod_call *c)
{
    rich_count(c, c->args[1].u.i, true, c->args[0].u.i, true);
}

const struct mod_overload pe_rich_version_fns[2] = {
    MOD_FN("i", 'i', rich_version), MOD_FN("ii", 'i', rich_version_toolid)};
const struct mod_overload pe_rich_toolid_fns[2] = {
    MOD_FN("i", 'i', rich_toolid), MOD_FN("ii", 'i', rich_toolid_version)};

/* ---- PDB path ----------------------------------------------------------- */

#define MAX_PDB_PATH 260

/* The PDB path of a CodeView record at off: after "NB10" (16 bytes),
 * "RSDS" (24) or "MTOC" (20), when the record's fixed part fits. */
static bool pdb_at(struct pe *pe, uint64_t off)
{
    uint32_t sig = pe_u32(pe, off);
    uint64_t name;
    size_t n;

    if (!bytes_has(pe->b, off, 8))
        return false;
    if (sig == 0x3031424e && bytes_has(pe->b, off, 17))
        name = off + 16;
    else if (sig == 0x53445352 && bytes_has(pe->b, off, 25))
        name = off + 24;
    else if (sig == 0x434f544d && bytes_has(pe->b, off, 21))
        name = off + 20;
    else
        return false;
    /* Up to its NUL, or to the end of the data; no path of 260 bytes. */
    if (!bytes_cstr(pe->b, name, MAX_PDB_PATH, &n) && n >= MAX_PDB_PATH)
        return false;
    mod_set_str(pe->arena, pe->root, PE_PDB_PATH, pe->b.p + name, n);
    return true;
}

/* The first CodeView entry (type 2) of the debug directory (28-byte
 * entries) with a path. */
void pe_parse_debug(struct pe *pe)
{
    uint32_t rva, size;
    int64_t dir;

    if (!pe_directory(pe, 6, &rva, &size) || size == 0 || size % 28 != 0 ||
        rva == 0 || (dir = pe_rva_to_offset(pe, rva)) < 0)
        return;
    for (uint32_t i = 0; i < size / 28; i++) {
        uint64_t e = (uint64_t)dir + 28 * (uint64_t)i;
        uint32_t addr, ptr;
        int64_t cv;
        if (!bytes_has(pe->b, e, 28))
            return;
        if (pe_u32(pe, e + 12) != 2)
            continue;
        addr = pe_u32(pe, e + 20);
        ptr = pe_u32(pe, e + 24);
        if (addr != 0)
            cv = pe_rva_to_offset(pe, addr);
        else if (ptr != 0)
            cv = ptr;
        else
            continue;
        if (cv >= 0 && pdb_at(pe, (uint64_t)cv))
            return;
    }
}

/* ---- Authenticode ------------------------------------------------------- */

static void set_hex(struct pe *pe, struct mod_obj *o, uint32_t member,
                    const unsigned char *p, size_t n, bool colons)
{
    static const char hex[] = "0123456789abcdef";
    char *s = arena_alloc(pe->arena, 3 * n + 1);
    size_t k = 0;

    if (s == NULL)
        return;
    for (size_t i = 0; i < n; i++) {
        if (colons && i > 0)
            s[k++] = ':';
        s[k++] = hex[p[i] >> 4];
        s[k++] = hex[p[i] & 15];
    }
    mod_set_str(pe->arena, o, member, s, k);
}

static bool asn1_time(const ASN1_TIME *t, int64_t *out)
{
    struct tm tm;

    if (t == NULL || ASN1_TIME_to_tm(t, &tm) != 1)
        return false;
    *out = (int64_t)timegm(&tm);
    return true;
}

static void set_cert(struct pe *pe, struct mod_obj *o, X509 *cert)
{
    unsigned char md[EVP_MAX_MD_SIZE], *serial = NULL;
    unsigned int md_len = 0;
    char buf[256];
    const X509_ALGOR *alg = X509_get0_tbs_sigalg(cert);
    const ASN1_OBJECT *oid = NULL;
    const ASN1_INTEGER *sn = X509_get0_serialNumber(cert);
    int64_t t;
    int n;

    if (X509_digest(cert, EVP_sha1(), md, &md_len) == 1)
        set_hex(pe, o, PE_SIG_THUMBPRINT, md, md_len, false);
    if (X509_NAME_oneline(X509_get_issuer_name(cert), buf, sizeof(buf)))
        mod_set_str(pe->arena, o, PE_SIG_ISSUER, buf, strlen(buf));
    if (X509_NAME_oneline(X509_get_subject_name(cert), buf, sizeof(buf)))
        mod_set_str(pe->arena, o, PE_SIG_SUBJECT, buf, strlen(buf));
    mod_set_int(o, PE_SIG_VERSION, X509_get_version(cert) + 1);
    mod_set_str(pe->arena, o, PE_SIG_ALGORITHM,
                OBJ_nid2ln(X509_get_signature_nid(cert)),
                strlen(OBJ_nid2ln(X509_get_signature_nid(cert))));
    X509_ALGOR_get0(&oid, NULL, NULL, alg);
    if (oid != NULL && (n = OBJ_obj2txt(buf, sizeof(buf), oid, 1)) > 0)
        mod_set_str(pe->arena, o, PE_SIG_ALGORITHM_OID, buf,
                    strlen(buf));
    if (sn != NULL && (n = i2d_ASN1_INTEGER(sn, NULL)) > 2 &&
        (serial = arena_alloc(pe->arena, (size_t)n)) != NULL) {
        /* The DER's content: the serial in two's complement, minimal. */
        unsigned char *p = serial;
        size_t head = 2;
        i2d_ASN1_INTEGER(sn, &p);
        if (serial[1] & 0x80)
            head += serial[1] & 0x7f;
        if ((size_t)n > head)
            set_hex(pe, o, PE_SIG_SERIAL, serial + head, (size_t)n - head,
                    true);
    }
    if (asn1_time(X509_get0_notBefore(cert), &t))
        mod_set_int(o, PE_SIG_NOT_BEFORE, t);
    if (asn1_time(X509_get0_notAfter(cert), &t))
        mod_set_int(o, PE_SIG_NOT_AFTER, t);
}

/* The signers of one PKCS#7 DER blob; false when it is none. */
static bool parse_pkcs7(struct pe *pe, const uint8_t *der, size_t len,
                        struct mod_obj *arr, uint32_t *n_sigs)
{
    const unsigned char *p = der;
    PKCS7 *p7 = d2i_PKCS7(NULL, &p, (long)len);
    STACK_OF(X509) *signers;

    if (p7 == NULL)
        return false;
    signers = PKCS7_get0_signers(p7, NULL, 0);
    if (signers == NULL) {
        PKCS7_free(p7);
        return false;
    }
    for (int i = 0; i < sk_X509_num(signers); i++) {
        struct mod_obj *o = mod_array_push_obj(pe->arena, arr);
        if (o == NULL)
            break;
        set_cert(pe, o, sk_X509_value(signers, i));
        (*n_sigs)++;
    }
    sk_X509_free(signers);
    PKCS7_free(p7);
    return true;
}

void pe_parse_certificates(struct pe *pe)
{
    uint32_t off, size, n_sigs = 0;
    uint64_t end, at;
    struct mod_obj *arr;

    mod_set_int(pe->root, PE_NUMBER_OF_SIGNATURES, 0);
    if (!pe_directory(pe, 4, &off, &size) || off == 0 || off > pe->b.len ||
        size > pe->b.len || (uint64_t)off + size > pe->b.len)
        return;
    end = (uint64_t)off + size;
    arr = mod_obj_child(pe->arena, pe->root, PE_SIGNATURES);
    for (at = off; at + 8 <= end;) {
        uint32_t len = pe_u32(pe, at);
        uint16_t rev = 0, type = 0;
        bytes_u16le(pe->b, at + 4, &rev);
        bytes_u16le(pe->b, at + 6, &type);
        if (at + (uint64_t)len > end || len < 8 ||
            (rev != 0x100 && rev != 0x200) || type != 2 ||
            !parse_pkcs7(pe, pe->b.p + at + 8, len - 8, arr, &n_sigs))
            break;
        at += len;
        at = (at + 7) & ~(uint64_t)7;
    }
    mod_set_int(pe->root, PE_NUMBER_OF_SIGNATURES, n_sigs);
}

/* signatures[i].valid_on(t): not_before <= t <= not_after. */
static void valid_on(struct mod_call *c)
{
    struct mod_val nb = mod_get(c->self, PE_SIG_NOT_BEFORE);
    struct mod_val na = mod_get(c->self, PE_SIG_NOT_AFTER);
    int64_t t = c->args[0].u.i;

    if (nb.type == MV_INT && na.type == MV_INT)
        mod_ret_int(c, t >= nb.u.i && t <= na.u.i);
}

const struct mod_overload pe_valid_on_fns[1] = {MOD_FN("i", 'i', valid_on)};
