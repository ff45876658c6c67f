/*
 * unpack.h - containers, one interface over every reader.
 *
 * A reader knows one family of formats: libarchive's (archive.c), a file
 * system image, a firmware header. Each is a table of functions (struct
 * unpack_reader) over its own state; unpack_open tries them in turn on a
 * buffer in memory and gives the first that takes it. Entries come one at
 * a time: unpack_next gives the header, unpack_read the data, which the
 * reader writes into a sink that enforces the caller's limits (size, ratio,
 * time), so that no reader counts bytes itself and none can exceed them.
 *
 * Nothing is written anywhere. An opened container borrows the data it was
 * opened on, which must outlive it; entry strings are valid until the next
 * call of unpack_next or unpack_close.
 *
 * Writing a reader: open must say UNPACK_NOT_CONTAINER quickly (magic
 * first) and touch no byte outside data; every read of the data goes
 * through base/bytes.h; every count, offset and size in the data is
 * hostile. Add it to the table in unpack.c (more specific formats first)
 * and give it a fuzz target (tests/fuzz).
 */
#ifndef CANDOR_UNPACK_UNPACK_H
#define CANDOR_UNPACK_UNPACK_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum unpack_result {
    UNPACK_OK,
    UNPACK_END,           /* no more entries */
    UNPACK_NOT_CONTAINER, /* open: not this format */
    UNPACK_TOO_DEEP,      /* open: more stacked layers than can be read */
    UNPACK_FAILED,        /* this entry failed; the next may be read */
    UNPACK_FATAL,         /* the container cannot be read further */
    UNPACK_NOMEM,
};

enum unpack_kind {
    UNPACK_REGULAR,
    UNPACK_DIR,
    UNPACK_SYMLINK,
    UNPACK_HARDLINK,
    UNPACK_CHARDEV,
    UNPACK_BLOCKDEV,
    UNPACK_FIFO,
    UNPACK_SOCKET,
    UNPACK_OTHER,
};

struct unpack_entry {
    const char *path; /* as stored ("" when there is none) */
    bool unnamed;     /* the one entry of a stream (gzip, a payload):
                         its virtual path is the container's */
    enum unpack_kind kind;
    uint32_t mode; /* permission bits with setuid, setgid, sticky */
    int64_t uid, gid;
    int64_t size;     /* declared size, -1 when the header has none */
    const char *link; /* symlink or hard link target, else NULL */
};

/* Why reading an entry stopped before its end. */
enum unpack_stop {
    UNPACK_STOP_NONE,  /* the whole entry was read */
    UNPACK_STOP_SIZE,  /* max_bytes were read and more remained */
    UNPACK_STOP_RATIO, /* the entry grew past max_ratio_bytes */
    UNPACK_STOP_TIME,  /* the deadline passed */
    UNPACK_STOP_ERROR, /* the data is corrupt (see unpack_error) */
    UNPACK_STOP_NOMEM,
};

/*
 * Where an entry's data goes: a buffer that grows up to max_bytes. The
 * caller sets the limits (unpack_sink_init) and owns data afterwards
 * (mem_free); the reader only appends. With drain set, what comes past
 * max_bytes is read and thrown away, so that the ratio limit and the
 * deadline see the whole entry (libarchive decompresses the rest of an
 * entry anyway to reach the next header) and the entry is known to be
 * cut only when bytes past max_bytes really came (unpack_sink_result).
 */
struct unpack_sink {
    uint8_t *data;
    size_t len, cap;
    uint64_t total;           /* bytes the reader gave, kept or not */
    uint64_t max_bytes;       /* kept at most; more is cut */
    uint64_t max_ratio_bytes; /* a total past this stops: STOP_RATIO */
    double deadline;          /* CLOCK_MONOTONIC seconds; 0: none */
    bool drain;               /* read past max_bytes without keeping */
    enum unpack_stop stop;
    /* Optional (unpack_sink_share): a budget of kept bytes that sinks of
       other threads draw on too; running out of it cuts the entry as
       max_bytes would, and sets pool_out. */
    _Atomic uint64_t *pool;
    uint64_t pool_max;
    size_t claimed; /* of the pool, for the room last given */
    bool pool_out;
};

void unpack_sink_init(struct unpack_sink *s, uint64_t max_bytes,
                      uint64_t max_ratio_bytes, double deadline);
/* Makes the kept bytes count against *pool too, which may not pass
   pool_max whatever the threads that share it do. */
void unpack_sink_share(struct unpack_sink *s, _Atomic uint64_t *pool,
                       uint64_t pool_max);
/* Why reading stopped, once the reader returned: stop, or
   UNPACK_STOP_SIZE when bytes past max_bytes were drained. */
enum unpack_stop unpack_sink_result(const struct unpack_sink *s);
/* Appends n bytes (what fits); false once the sink has stopped. */
bool unpack_sink_put(struct unpack_sink *s, const void *p, size_t n);
/* For a reader that keeps a decoded block: gives buf's bytes from *given
   to len, moving *given past what the sink took; false when it did not
   take them all (it stopped; the next call goes on from *given). */
bool unpack_sink_give(struct unpack_sink *s, const uint8_t *buf, size_t len,
                      size_t *given);
/*
 * Room for up to want more bytes written in place (a decompressor's
 * output): *room gets the count, 0 once the sink has stopped; then
 * unpack_sink_commit with the count written. Kept bytes never go past
 * max_bytes. A reader asks only when it has more to write: asking when
 * the sink is full stops it with UNPACK_STOP_SIZE, or, draining, gives a
 * scratch area whose bytes are counted and thrown away.
 */
uint8_t *unpack_sink_reserve(struct unpack_sink *s, size_t want, size_t *room);
void unpack_sink_commit(struct unpack_sink *s, size_t n);
/* The entry's data is corrupt: what was read is kept. */
void unpack_sink_fail(struct unpack_sink *s);
/* Whether the sink has stopped (a limit, an error, the deadline). */
bool unpack_sink_stopped(struct unpack_sink *s);

/* A signature for carving: len bytes found at offset at of a container. */
struct unpack_magic {
    const char *bytes;
    uint8_t len;
    uint32_t at;
};

struct unpack_reader {
    const char *name; /* lower case, for virtual paths: "squashfs" */
    /* Optional. Where carving (carve.h) looks for the format inside other
       data; a reader without magics is tried at offset 0 only. */
    const struct unpack_magic *magics;
    unsigned n_magics;
    /* Opens data as this format; UNPACK_NOT_CONTAINER when it is not.
       UNPACK_FATAL and _TOO_DEEP leave a message in msg. */
    enum unpack_result (*open)(const uint8_t *data, size_t len, void **state,
                               char *msg, size_t msg_len);
    void (*close)(void *state);
    /* The next entry's header: UNPACK_OK, _END, _FAILED or _FATAL. */
    enum unpack_result (*next)(void *state, struct unpack_entry *e);
    /* The current entry's data, into sink (unpack_sink_fail when corrupt).
       Called again on the same entry, it goes on where the last call
       stopped (a sink full at its max_bytes), and gives nothing once the
       entry's end was reached: the caller may read the rest of a cut
       entry in pieces. */
    void (*read)(void *state, struct unpack_sink *sink);
    /* The last failure's message, never NULL. */
    const char *(*error)(const void *state);
    /* Optional. The name in virtual paths when it is not name: "gzip+tar". */
    const char *(*format)(const void *state);
    /* Optional. The nesting levels the container counts for (each of
       libarchive's filters is one); 1 when NULL. */
    unsigned (*levels)(const void *state);
    /* Optional. A second reader for the same data, to try when this one
       gave no entry at all, or NULL (libarchive: a compressed stream of
       zeros reads as an empty tar; it is then read again as a plain
       compressed stream, so that its bytes are scanned). */
    const struct unpack_reader *(*fallback)(const void *state);
    /* Optional. The bytes of the data the container takes from its start,
       asked once its entries were read; 0 when not known. Carving goes on
       after them. */
    uint64_t (*extent)(const void *state);
    /* Optional. Whether open checked more than a magic number (a header
       checksum, a structure chance bytes would not have): a carved
       candidate it opened is then no magic number by chance, and a
       failure of its first entry is reported, not taken for one. */
    bool (*verified)(const void *state);
};

/* An opened container. */
struct unpack {
    const struct unpack_reader *reader;
    void *state;
};

/*
 * Opens data with the first reader that takes it. UNPACK_OK fills *u;
 * UNPACK_NOT_CONTAINER when none does; UNPACK_FATAL or UNPACK_TOO_DEEP
 * (message in msg, NUL-terminated, cut to msg_len) when one recognised the
 * data but could not open it.
 */
enum unpack_result unpack_open(const uint8_t *data, size_t len,
                               struct unpack *u, char *msg, size_t msg_len);
/* The table of readers, in the order unpack_open tries them. */
const struct unpack_reader *const *unpack_readers(size_t *n);
/* Opens data with reader r only. */
enum unpack_result unpack_open_with(const struct unpack_reader *r,
                                    const uint8_t *data, size_t len,
                                    struct unpack *u, char *msg,
                                    size_t msg_len);
void unpack_close(struct unpack *u);

static inline enum unpack_result unpack_next(struct unpack *u,
                                             struct unpack_entry *e)
{
    return u->reader->next(u->state, e);
}

static inline void unpack_read(struct unpack *u, struct unpack_sink *sink)
{
    u->reader->read(u->state, sink);
}

static inline const char *unpack_error(const struct unpack *u)
{
    return u->reader->error(u->state);
}

static inline const char *unpack_format(const struct unpack *u)
{
    return u->reader->format ? u->reader->format(u->state) : u->reader->name;
}

static inline uint64_t unpack_extent(const struct unpack *u)
{
    return u->reader->extent ? u->reader->extent(u->state) : 0;
}

static inline bool unpack_verified(const struct unpack *u)
{
    return u->reader->verified != NULL && u->reader->verified(u->state);
}

static inline unsigned unpack_levels(const struct unpack *u)
{
    return u->reader->levels ? u->reader->levels(u->state) : 1;
}

/* The kind of a POSIX st_mode's file type bits (S_IFMT), for the readers
   of file systems that store them. */
enum unpack_kind unpack_kind_of_mode(uint32_t mode);

/* A CLOCK_MONOTONIC time in seconds, for deadlines. */
double unpack_now(void);

#endif
