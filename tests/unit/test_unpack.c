/* Unit tests of src/unpack and of the literal finder it carves with: the
 * sink that holds every reader to the caller's limits. */
#include <stdint.h>
#include <string.h>
#include <zlib.h>

#include "../harness.h"
#include "base/mem.h"
#include "match/literals.h"
#include "unpack/stream.h"
#include "unpack/unpack.h"

TEST(unpack_sink_keeps_everything_under_the_limits)
{
    struct unpack_sink s;
    uint8_t block[1000];

    memset(block, 'x', sizeof(block));
    unpack_sink_init(&s, 5000, 5000, 0);
    for (int i = 0; i < 5; i++)
        CHECK(unpack_sink_put(&s, block, sizeof(block)));
    CHECK_INT(s.len, 5000);
    CHECK_INT(s.stop, UNPACK_STOP_NONE); /* exactly max_bytes: not cut */
    CHECK(s.cap <= 5000);
    mem_free(s.data);
}

TEST(unpack_sink_cuts_at_max_bytes)
{
    struct unpack_sink s;
    uint8_t block[3000];

    memset(block, 'y', sizeof(block));
    unpack_sink_init(&s, 5000, UINT64_MAX, 0);
    CHECK(unpack_sink_put(&s, block, sizeof(block)));
    CHECK(!unpack_sink_put(&s, block, sizeof(block)));
    CHECK_INT(s.len, 5000);
    CHECK_INT(s.stop, UNPACK_STOP_SIZE);
    CHECK(s.cap <= 5000); /* never more than the limit */
    CHECK(!unpack_sink_put(&s, block, 1)); /* stays stopped */
    CHECK_INT(s.len, 5000);
    mem_free(s.data);
}

TEST(unpack_sink_shares_a_budget_with_other_sinks_exactly)
{
    _Atomic uint64_t pool = 0;
    struct unpack_sink a, b, c;
    uint8_t block[3000];
    size_t room;

    memset(block, 'p', sizeof(block));
    unpack_sink_init(&a, 1u << 20, UINT64_MAX, 0);
    unpack_sink_init(&b, 1u << 20, UINT64_MAX, 0);
    unpack_sink_init(&c, 1u << 20, UINT64_MAX, 0);
    unpack_sink_share(&a, &pool, 10000);
    unpack_sink_share(&b, &pool, 10000);
    unpack_sink_share(&c, &pool, 10000);
    /* Room asked and not all used is given back to the budget. */
    CHECK(unpack_sink_reserve(&a, 5000, &room) != NULL);
    CHECK_INT(room, 5000);
    CHECK_INT(pool, 5000);
    unpack_sink_commit(&a, 1000);
    CHECK_INT(pool, 1000);
    /* b takes the rest and is cut there, as at max_bytes. */
    for (int i = 0; i < 4; i++)
        unpack_sink_put(&b, block, sizeof(block));
    CHECK_INT(b.len, 9000);
    CHECK_INT(pool, 10000);
    CHECK(b.pool_out);
    CHECK_INT(unpack_sink_result(&b), UNPACK_STOP_SIZE);
    /* A draining sink reads past it without keeping anything. */
    c.drain = true;
    CHECK(unpack_sink_put(&c, block, sizeof(block)));
    CHECK_INT(c.len, 0);
    CHECK_INT(c.total, 3000);
    CHECK(c.pool_out);
    CHECK_INT(pool, 10000);
    CHECK(!a.pool_out);
    mem_free(a.data);
    mem_free(b.data);
    mem_free(c.data);
}

TEST(unpack_sink_stops_past_the_ratio_and_keeps_what_was_read)
{
    struct unpack_sink s;
    uint8_t block[100];
    size_t room;

    memset(block, 'z', sizeof(block));
    unpack_sink_init(&s, 1u << 20, 250, 0);
    CHECK(unpack_sink_put(&s, block, sizeof(block)));
    CHECK(unpack_sink_put(&s, block, sizeof(block)));
    CHECK(!unpack_sink_put(&s, block, sizeof(block))); /* 300 > 250 */
    CHECK_INT(s.len, 300);
    CHECK_INT(s.stop, UNPACK_STOP_RATIO);
    CHECK(unpack_sink_reserve(&s, 10, &room) == NULL);
    CHECK_INT(room, 0);
    mem_free(s.data);
}

TEST(unpack_sink_reserve_gives_room_up_to_max_and_cuts_when_asked_for_more)
{
    struct unpack_sink s;
    size_t room;
    uint8_t *p;

    unpack_sink_init(&s, 10, UINT64_MAX, 0);
    p = unpack_sink_reserve(&s, 64 * 1024, &room);
    CHECK(p != NULL);
    CHECK_INT(room, 10);
    memset(p, 'a', room);
    unpack_sink_commit(&s, room);
    CHECK_INT(s.len, 10);
    CHECK_INT(unpack_sink_result(&s), UNPACK_STOP_NONE); /* exactly full */
    CHECK(unpack_sink_reserve(&s, 1, &room) == NULL);    /* more came */
    CHECK_INT(unpack_sink_result(&s), UNPACK_STOP_SIZE);
    mem_free(s.data);
}

TEST(unpack_sink_drains_past_max_and_holds_the_ratio_over_all)
{
    struct unpack_sink s;
    uint8_t block[100];

    memset(block, 'd', sizeof(block));
    unpack_sink_init(&s, 10, UINT64_MAX, 0);
    s.drain = true;
    CHECK(unpack_sink_put(&s, block, sizeof(block)));
    CHECK(unpack_sink_put(&s, block, sizeof(block)));
    CHECK_INT(s.len, 10); /* kept */
    CHECK_INT(s.total, 200);
    CHECK(s.cap <= 10);
    CHECK_INT(s.stop, UNPACK_STOP_NONE);
    CHECK_INT(unpack_sink_result(&s), UNPACK_STOP_SIZE);
    mem_free(s.data);

    unpack_sink_init(&s, 10, 150, 0); /* the drained bytes count too */
    s.drain = true;
    CHECK(unpack_sink_put(&s, block, sizeof(block)));
    CHECK(!unpack_sink_put(&s, block, sizeof(block)));
    CHECK_INT(unpack_sink_result(&s), UNPACK_STOP_RATIO);
    CHECK_INT(s.len, 10);
    mem_free(s.data);
}

TEST(unpack_sink_stops_at_the_deadline_and_on_errors)
{
    struct unpack_sink s;

    unpack_sink_init(&s, 100, 100, unpack_now() - 1);
    CHECK(!unpack_sink_put(&s, "abc", 3));
    CHECK_INT(s.len, 0);
    CHECK_INT(s.stop, UNPACK_STOP_TIME);
    mem_free(s.data);

    unpack_sink_init(&s, 100, 100, 0);
    CHECK(unpack_sink_put(&s, "abc", 3));
    unpack_sink_fail(&s);
    CHECK(unpack_sink_stopped(&s));
    CHECK_INT(s.stop, UNPACK_STOP_ERROR);
    CHECK_INT(s.len, 3);
    mem_free(s.data);
}

TEST(unpack_sink_reports_running_out_of_memory)
{
    struct unpack_sink s;

    unpack_sink_init(&s, 100, 100, 0);
    mem_fail_after(1);
    CHECK(!unpack_sink_put(&s, "abc", 3));
    mem_fail_after(0);
    CHECK_INT(s.stop, UNPACK_STOP_NOMEM);
    mem_free(s.data);
}

/* Occurrences collected by the literal finder. */
struct hits {
    uint32_t id[16];
    uint64_t start[16];
    int n;
    int stop_after; /* 0: never */
};

static int hit(uint32_t id, uint64_t start, void *ctx)
{
    struct hits *h = ctx;

    if (h->n < 16) {
        h->id[h->n] = id;
        h->start[h->n] = start;
    }
    h->n++;
    return h->stop_after > 0 && h->n >= h->stop_after;
}

TEST(literal_finder_reports_every_occurrence_by_its_start)
{
    static const struct literal lits[] = {
        {(const uint8_t *)"aa", 2},
        {(const uint8_t *)"\x00\x01", 2},
        {(const uint8_t *)"baa", 3},
    };
    /* "aa" at 1, 2, 5; "baa" at 4; "\0\1" at 8 */
    static const uint8_t data[] = "xaaabaa\x01\x00\x01";
    struct literal_set *set = NULL;
    struct literal_finder *f = NULL;
    struct hits h = {.n = 0};
    int seen[3] = {0};

    CHECK_INT(literal_set_new(lits, 3, &set), CANDOR_OK);
    CHECK_INT(literal_finder_new(set, &f), CANDOR_OK);
    CHECK_INT(literal_find(f, data, sizeof(data) - 1, hit, &h), CANDOR_OK);
    CHECK_INT(h.n, 5);
    for (int i = 0; i < h.n && i < 16; i++) {
        seen[h.id[i]]++;
        if (h.id[i] == 0)
            CHECK(h.start[i] == 1 || h.start[i] == 2 || h.start[i] == 5);
        else if (h.id[i] == 1)
            CHECK_INT(h.start[i], 8);
        else
            CHECK_INT(h.start[i], 4);
    }
    CHECK_INT(seen[0], 3);
    CHECK_INT(seen[1], 1);
    CHECK_INT(seen[2], 1);

    h = (struct hits){.stop_after = 2};
    CHECK_INT(literal_find(f, data, sizeof(data) - 1, hit, &h), CANDOR_OK);
    CHECK_INT(h.n, 2); /* stopped when asked */
    literal_finder_free(f);
    literal_set_free(set);
}

/* A gzip stream of n bytes of pattern, made with zlib. */
static size_t make_gzip(const uint8_t *in, size_t n, uint8_t *out, size_t cap)
{
    z_stream z;
    size_t len;

    memset(&z, 0, sizeof(z));
    if (deflateInit2(&z, 6, Z_DEFLATED, 16 + MAX_WBITS, 8,
                     Z_DEFAULT_STRATEGY) != Z_OK)
        return 0;
    z.next_in = (Bytef *)in;
    z.avail_in = (uInt)n;
    z.next_out = out;
    z.avail_out = (uInt)cap;
    len = deflate(&z, Z_FINISH) == Z_STREAM_END ? cap - z.avail_out : 0;
    deflateEnd(&z);
    return len;
}

TEST(unpack_stream_read_goes_on_where_it_stopped)
{
    static uint8_t plain[200000], packed[250000], again[200000];
    size_t n_packed, got = 0;
    struct unpack u;
    struct unpack_entry e;
    char msg[64];
    int calls = 0;

    for (size_t i = 0; i < sizeof(plain); i++)
        plain[i] = (uint8_t)(i * 7 + i / 1000);
    n_packed = make_gzip(plain, sizeof(plain), packed, sizeof(packed));
    CHECK(n_packed > 0);
    packed[n_packed] = 'x'; /* other data after the stream */
    CHECK_INT(unpack_open_with(&unpack_stream, packed, n_packed + 1, &u, msg,
                               sizeof(msg)),
              UNPACK_OK);
    CHECK_INT(unpack_next(&u, &e), UNPACK_OK);
    CHECK(e.unnamed);
    /* Pieces of 30,000 bytes: each call goes on after the last. */
    for (;;) {
        struct unpack_sink sink;
        unpack_sink_init(&sink, 30000, UINT64_MAX, 0);
        unpack_read(&u, &sink);
        calls++;
        if (sink.len > 0 && got + sink.len <= sizeof(again))
            memcpy(again + got, sink.data, sink.len);
        got += sink.len;
        mem_free(sink.data);
        if (sink.stop != UNPACK_STOP_SIZE || calls > 20)
            break;
    }
    CHECK_INT(got, sizeof(plain));
    CHECK(memcmp(again, plain, sizeof(plain)) == 0);
    CHECK_INT(calls, 7); /* 6 full pieces, the last of 20,000 */
    CHECK_INT(unpack_extent(&u), n_packed); /* not the 'x' after it */
    {
        struct unpack_sink sink; /* at the end: nothing more */
        unpack_sink_init(&sink, 30000, UINT64_MAX, 0);
        unpack_read(&u, &sink);
        CHECK_INT(sink.len, 0);
        CHECK_INT(sink.stop, UNPACK_STOP_NONE);
        mem_free(sink.data);
    }
    CHECK_INT(unpack_next(&u, &e), UNPACK_END);
    unpack_close(&u);
}
