/* Unit tests of src/unpack: the sink that holds every reader to the
 * caller's limits. */
#include <stdint.h>
#include <string.h>

#include "../harness.h"
#include "base/mem.h"
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
    CHECK(s.cap <= 5001);
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
    CHECK(s.cap <= 5001); /* never more than one byte past the limit */
    CHECK(!unpack_sink_put(&s, block, 1)); /* stays stopped */
    CHECK_INT(s.len, 5000);
    mem_free(s.data);
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

TEST(unpack_sink_reserve_gives_room_up_to_one_past_max)
{
    struct unpack_sink s;
    size_t room;
    uint8_t *p;

    unpack_sink_init(&s, 10, UINT64_MAX, 0);
    p = unpack_sink_reserve(&s, 64 * 1024, &room);
    CHECK(p != NULL);
    CHECK_INT(room, 11);
    memset(p, 'a', room);
    unpack_sink_commit(&s, room);
    CHECK_INT(s.len, 10);
    CHECK_INT(s.stop, UNPACK_STOP_SIZE);
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
