/*
 * math.c - the math module: statistics of a range of the data or of a
 * string, as YARA's documentation describes them. Every figure here was
 * checked against yara 4.2.3 (tests/cases/modules.case), including its
 * edge cases: an empty range has entropy 0 and mode 0 but no mean; a
 * serial correlation with a zero denominator is -100000; a Monte Carlo
 * estimate needs one whole 6-byte point. math.to_string is newer than
 * 4.2.3 and follows the current documentation.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "modules/modules.h"

/* The bytes of the call: (offset, size) at args[first], or the string at
 * args[first]. */
static bool bytes_of(const struct mod_call *c, bool range, unsigned first,
                     const uint8_t **p, size_t *n)
{
    if (range)
        return mod_range(c, c->args[first].u.i, c->args[first + 1].u.i, p,
                         n);
    *p = c->args[first].u.s;
    *n = c->args[first].len;
    return true;
}

static void count_bytes(const uint8_t *p, size_t n, uint64_t counts[256])
{
    memset(counts, 0, 256 * sizeof(*counts));
    for (size_t i = 0; i < n; i++)
        counts[p[i]]++;
}

static void entropy(struct mod_call *c, bool range)
{
    const uint8_t *p;
    size_t n;
    uint64_t counts[256];
    double e = 0.0;

    if (!bytes_of(c, range, 0, &p, &n))
        return;
    count_bytes(p, n, counts);
    for (int i = 0; i < 256; i++) {
        if (counts[i] != 0) {
            double x = (double)counts[i] / (double)n;
            e -= x * log2(x);
        }
    }
    mod_ret_float(c, e);
}

static void entropy_range(struct mod_call *c) { entropy(c, true); }
static void entropy_str(struct mod_call *c) { entropy(c, false); }

static void mean(struct mod_call *c, bool range)
{
    const uint8_t *p;
    size_t n;
    double sum = 0.0;

    if (!bytes_of(c, range, 0, &p, &n) || n == 0)
        return;
    for (size_t i = 0; i < n; i++)
        sum += p[i];
    mod_ret_float(c, sum / (double)n);
}

static void mean_range(struct mod_call *c) { mean(c, true); }
static void mean_str(struct mod_call *c) { mean(c, false); }

/* The mean absolute deviation from the given mean. */
static void deviation(struct mod_call *c, bool range)
{
    const uint8_t *p;
    size_t n;
    double m = c->args[range ? 2 : 1].u.f, sum = 0.0;

    if (!bytes_of(c, range, 0, &p, &n) || n == 0)
        return;
    for (size_t i = 0; i < n; i++)
        sum += fabs((double)p[i] - m);
    mod_ret_float(c, sum / (double)n);
}

static void deviation_range(struct mod_call *c) { deviation(c, true); }
static void deviation_str(struct mod_call *c) { deviation(c, false); }

/*
 * The serial correlation coefficient of consecutive bytes. yara closes the
 * cycle with the last byte times itself (not times the first byte, as the
 * textbook formula does): "ab" gives 195, not -1. That is its result, and
 * so it is candor's.
 */
static void serial_correlation(struct mod_call *c, bool range)
{
    const uint8_t *p;
    size_t n;
    double t1 = 0.0, t2 = 0.0, t3 = 0.0, last = 0.0, num, den;

    if (!bytes_of(c, range, 0, &p, &n))
        return;
    for (size_t i = 0; i < n; i++) {
        double x = p[i];
        t1 += last * x;
        t2 += x * x;
        t3 += x;
        last = x;
    }
    t1 += last * last;
    t3 *= t3;
    den = (double)n * t2 - t3;
    num = (double)n * t1 - t3;
    mod_ret_float(c, den == 0.0 ? -100000.0 : num / den);
}

static void serial_range(struct mod_call *c) { serial_correlation(c, true); }
static void serial_str(struct mod_call *c) { serial_correlation(c, false); }

/* How far from pi an estimate of it is, by points of two 24-bit
 * coordinates (6 bytes each) falling in a quarter circle: |est - pi| / pi.
 * Undefined without one whole point. */
static void monte_carlo_pi(struct mod_call *c, bool range)
{
    const uint8_t *p;
    size_t n, points = 0, inside = 0;
    const double radius = 16777215.0; /* 256^3 - 1 */
    double est;

    if (!bytes_of(c, range, 0, &p, &n))
        return;
    for (size_t i = 0; i + 6 <= n; i += 6) {
        double x = (double)((uint32_t)p[i] << 16 | (uint32_t)p[i + 1] << 8 |
                            p[i + 2]);
        double y = (double)((uint32_t)p[i + 3] << 16 |
                            (uint32_t)p[i + 4] << 8 | p[i + 5]);
        points++;
        if (x * x + y * y <= radius * radius)
            inside++;
    }
    if (points == 0)
        return;
    est = 4.0 * (double)inside / (double)points;
    mod_ret_float(c, fabs(est - M_PI) / M_PI);
}

static void mc_range(struct mod_call *c) { monte_carlo_pi(c, true); }
static void mc_str(struct mod_call *c) { monte_carlo_pi(c, false); }

static void in_range(struct mod_call *c)
{
    double v = c->args[0].u.f;

    mod_ret_int(c, v >= c->args[1].u.f && v <= c->args[2].u.f);
}

/* yara compares min and max unsigned: math.min(-1, 1) is 1. */
static void min_fn(struct mod_call *c)
{
    uint64_t a = (uint64_t)c->args[0].u.i, b = (uint64_t)c->args[1].u.i;

    mod_ret_int(c, (int64_t)(a < b ? a : b));
}

static void max_fn(struct mod_call *c)
{
    uint64_t a = (uint64_t)c->args[0].u.i, b = (uint64_t)c->args[1].u.i;

    mod_ret_int(c, (int64_t)(a > b ? a : b));
}

static void to_number(struct mod_call *c)
{
    mod_ret_int(c, c->args[0].u.i != 0);
}

/* The absolute value; INT64_MIN stays itself, as in yara. */
static void abs_fn(struct mod_call *c)
{
    int64_t v = c->args[0].u.i;

    mod_ret_int(c, v < 0 ? (int64_t)(0 - (uint64_t)v) : v);
}

/*
 * How often a byte occurs. A "byte" outside 0..255 is undefined here;
 * yara 4.2.3 reads past its table of 256 counts instead (docs/compat.md).
 */
static void count(struct mod_call *c, bool range, bool percent)
{
    const uint8_t *p;
    size_t n, k = 0;
    int64_t byte = c->args[0].u.i;

    if (byte < 0 || byte > 255)
        return;
    if (range) {
        if (!mod_range(c, c->args[1].u.i, c->args[2].u.i, &p, &n))
            return;
    } else {
        p = c->data;
        n = (size_t)c->size;
    }
    for (size_t i = 0; i < n; i++)
        k += p[i] == (uint8_t)byte;
    if (!percent)
        mod_ret_int(c, (int64_t)k);
    else if (n > 0)
        mod_ret_float(c, (double)k / (double)n);
}

static void count_range(struct mod_call *c) { count(c, true, false); }
static void count_all(struct mod_call *c) { count(c, false, false); }
static void percent_range(struct mod_call *c) { count(c, true, true); }
static void percent_all(struct mod_call *c) { count(c, false, true); }

/* The most common byte, the smallest of equals; 0 for no bytes. */
static void mode(struct mod_call *c, bool range)
{
    const uint8_t *p = c->data;
    size_t n = (size_t)c->size;
    uint64_t counts[256];
    int best = 0;

    if (range && !mod_range(c, c->args[0].u.i, c->args[1].u.i, &p, &n))
        return;
    count_bytes(p, n, counts);
    for (int i = 1; i < 256; i++) {
        if (counts[i] > counts[best])
            best = i;
    }
    mod_ret_int(c, best);
}

static void mode_range(struct mod_call *c) { mode(c, true); }
static void mode_all(struct mod_call *c) { mode(c, false); }

/* math.to_string(int [, base]): newer than 4.2.3. The documentation gives
 * bases 10, 8 and 16 (lowercase, no prefix); any other base is
 * undefined. */
static void to_string(struct mod_call *c, int64_t base)
{
    char buf[32], *s;
    int64_t v = c->args[0].u.i;
    int len;

    if (base == 10)
        len = snprintf(buf, sizeof(buf), "%lld", (long long)v);
    else if (base == 8)
        len = snprintf(buf, sizeof(buf), "%llo", (unsigned long long)v);
    else if (base == 16)
        len = snprintf(buf, sizeof(buf), "%llx", (unsigned long long)v);
    else
        return;
    if (len < 0 || (s = arena_memdup(c->inst->arena, buf, (size_t)len)) ==
                       NULL)
        return;
    mod_ret_str(c, s, (size_t)len);
}

static void to_string_10(struct mod_call *c) { to_string(c, 10); }
static void to_string_base(struct mod_call *c) { to_string(c, c->args[1].u.i); }

/* math.index_of_coincidence: newer than 4.2.3, from the documentation:
 * sum of n_i (n_i - 1) over N (N - 1); undefined for fewer than 2 bytes. */
static void coincidence(struct mod_call *c, bool range)
{
    const uint8_t *p;
    size_t n;
    uint64_t counts[256];
    double sum = 0.0;

    if (!bytes_of(c, range, 0, &p, &n) || n < 2)
        return;
    count_bytes(p, n, counts);
    for (int i = 0; i < 256; i++)
        sum += (double)counts[i] * (double)(counts[i] ? counts[i] - 1 : 0);
    mod_ret_float(c, sum / ((double)n * (double)(n - 1)));
}

static void ic_range(struct mod_call *c) { coincidence(c, true); }
static void ic_str(struct mod_call *c) { coincidence(c, false); }

static const struct mod_overload entropy_fns[] = {
    MOD_PURE_FN("ii", 'f', entropy_range), MOD_FN("s", 'f', entropy_str)};
static const struct mod_overload mean_fns[] = {
    MOD_PURE_FN("ii", 'f', mean_range), MOD_FN("s", 'f', mean_str)};
static const struct mod_overload deviation_fns[] = {
    MOD_PURE_FN("iif", 'f', deviation_range), MOD_FN("sf", 'f', deviation_str)};
static const struct mod_overload serial_fns[] = {
    MOD_PURE_FN("ii", 'f', serial_range), MOD_FN("s", 'f', serial_str)};
static const struct mod_overload mc_fns[] = {
    MOD_PURE_FN("ii", 'f', mc_range), MOD_FN("s", 'f', mc_str)};
static const struct mod_overload in_range_fns[] = {MOD_FN("fff", 'b', in_range)};
static const struct mod_overload min_fns[] = {MOD_FN("ii", 'i', min_fn)};
static const struct mod_overload max_fns[] = {MOD_FN("ii", 'i', max_fn)};
static const struct mod_overload to_number_fns[] = {MOD_FN("b", 'i', to_number)};
static const struct mod_overload abs_fns[] = {MOD_FN("i", 'i', abs_fn)};
static const struct mod_overload count_fns[] = {
    MOD_PURE_FN("iii", 'i', count_range), MOD_PURE_FN("i", 'i', count_all)};
static const struct mod_overload percentage_fns[] = {
    MOD_PURE_FN("iii", 'f', percent_range), MOD_PURE_FN("i", 'f', percent_all)};
static const struct mod_overload mode_fns[] = {
    MOD_PURE_FN("ii", 'i', mode_range), MOD_PURE_FN("", 'i', mode_all)};
static const struct mod_overload to_string_fns[] = {
    MOD_FN("i", 's', to_string_10), MOD_FN("ii", 's', to_string_base)};

static const struct mod_overload ic_fns[] = {
    MOD_PURE_FN("ii", 'f', ic_range), MOD_FN("s", 'f', ic_str)};

static const struct mod_decl members[] = {
    DECL_CONST_FLOAT("MEAN_BYTES", 127.5),
    DECL_FUNC("entropy", entropy_fns),
    DECL_FUNC("mean", mean_fns),
    DECL_FUNC("deviation", deviation_fns),
    DECL_FUNC("serial_correlation", serial_fns),
    DECL_FUNC("monte_carlo_pi", mc_fns),
    DECL_FUNC("in_range", in_range_fns),
    DECL_FUNC("min", min_fns),
    DECL_FUNC("max", max_fns),
    DECL_FUNC("to_number", to_number_fns),
    DECL_FUNC("abs", abs_fns),
    DECL_FUNC("count", count_fns),
    DECL_FUNC("percentage", percentage_fns),
    DECL_FUNC("mode", mode_fns),
    DECL_FUNC("to_string", to_string_fns),
    DECL_FUNC("index_of_coincidence", ic_fns),
};

const struct module module_math = {
    .name = "math",
    .root = DECL_STRUCT("math", members),
    .load = NULL,
};
