/*
 * harness.h - candor's small unit-test harness.
 *
 * TEST(name) { ... } defines a test that registers itself before main runs.
 * CHECK* macros record a failure with both values and keep going; the run
 * ends with the line `N passed, N failed` (a test passes when none of its
 * checks failed). `unit-tests NAME...` runs only tests whose name contains
 * one of the arguments.
 */
#ifndef CANDOR_TESTS_HARNESS_H
#define CANDOR_TESTS_HARNESS_H

#include <stdint.h>
#include <string.h>

typedef void (*harness_fn)(void);
void harness_register(const char *name, harness_fn fn);
void harness_fail(const char *file, int line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

#define TEST(name)                                                          \
    static void test_##name(void);                                         \
    __attribute__((constructor)) static void register_##name(void)         \
    {                                                                      \
        harness_register(#name, test_##name);                              \
    }                                                                      \
    static void test_##name(void)

#define CHECK(cond)                                                         \
    do {                                                                    \
        if (!(cond))                                                        \
            harness_fail(__FILE__, __LINE__, "CHECK(%s)", #cond);           \
    } while (0)

#define CHECK_INT(a, b)                                                     \
    do {                                                                    \
        long long va_ = (long long)(a), vb_ = (long long)(b);               \
        if (va_ != vb_)                                                     \
            harness_fail(__FILE__, __LINE__, "%s == %lld, expected %s == %lld", \
                         #a, va_, #b, vb_);                                 \
    } while (0)

#define CHECK_STR(a, b)                                                     \
    do {                                                                    \
        const char *sa_ = (a), *sb_ = (b);                                  \
        if (sa_ == NULL || sb_ == NULL || strcmp(sa_, sb_) != 0)            \
            harness_fail(__FILE__, __LINE__, "%s == \"%s\", expected \"%s\"", \
                         #a, sa_ ? sa_ : "(null)", sb_ ? sb_ : "(null)");   \
    } while (0)

#endif
