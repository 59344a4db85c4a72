/*
 * tests/c/test_stream.c - SIEM event streams through the C ABI: each kind
 * delivers the emulator's whole event set in order; a checkpoint resumes
 * where the last acknowledged batch ended; a corrupt checkpoint is refused;
 * the rules of the calls (ack before the next batch, bad options).
 */
#include "harness.h"

static size_t event_set_size(void)
{
    char *set = NULL;
    CHECK(http_raw(g_base, "GET", "/_emulator/siem-events", NULL, &set) == 200);
    size_t n = set ? count_substr(set, "\"evt-") : 0;
    free(set);
    return n;
}

static mc_client *client_for(uint32_t kind, const mc_options *o)
{
    if (kind == MC_STREAM_KIND_SIEM_V1)
        return client1(g_base, o);
    mc_client *c = NULL;
    EXPECT(mc_client_new_oauth(g_base, CLIENT_ID, CLIENT_SECRET, o, &c), MC_STATUS_OK);
    return c;
}

static mc_stream *open_stream(mc_client *c, uint32_t kind, const char *checkpoint)
{
    mc_stream_options *so = NULL;
    EXPECT(mc_stream_options_new(kind, &so), MC_STATUS_OK);
    if (!so)
        return NULL;
    if (kind != MC_STREAM_KIND_SIEM_V1) {
        EXPECT(mc_stream_options_set_start(so, "2026-11-30"), MC_STATUS_OK);
        EXPECT(mc_stream_options_set_page_size(so, kind == MC_STREAM_KIND_BATCH ? 2 : 9), MC_STATUS_OK);
    }
    if (checkpoint)
        EXPECT(mc_stream_options_set_checkpoint(so, checkpoint), MC_STATUS_OK);
    mc_stream *s = NULL;
    EXPECT(mc_stream_open(c, so, &s), MC_STATUS_OK);
    mc_stream_options_free(so);
    return s;
}

/* Pulls up to `max_batches` batches (0: all), acknowledging each; checks
   that event numbers continue from `*next` (1-based). Returns events seen. */
static size_t pull(mc_stream *s, size_t max_batches, size_t *next, bool *ordered)
{
    size_t events = 0, batches = 0;
    bool more = true;
    while (max_batches == 0 || batches < max_batches) {
        mc_status st = mc_stream_next_batch(s, &more);
        if (st != MC_STATUS_OK) {
            EXPECT(st, MC_STATUS_OK);
            break;
        }
        if (!more)
            break;
        for (;;) {
            const char *ev = SENT;
            size_t len = 99;
            st = mc_stream_next_event(s, &ev, &len);
            if (st != MC_STATUS_OK) {
                EXPECT(st, MC_STATUS_OK);
                break;
            }
            if (ev == NULL) {
                CHECK(len == 0);
                break;
            }
            CHECK(strlen(ev) == len);
            char want[32];
            snprintf(want, sizeof want, "\"evt-%05zu\"", *next);
            *ordered = *ordered && strstr(ev, want) != NULL;
            (*next)++;
            events++;
        }
        EXPECT(mc_stream_ack(s), MC_STATUS_OK);
        batches++;
    }
    return events;
}

static void whole_pull(uint32_t kind, const mc_options *o, size_t total)
{
    mc_client *c = client_for(kind, o);
    mc_stream *s = c ? open_stream(c, kind, NULL) : NULL;
    if (s) {
        size_t next = 1;
        bool ordered = true;
        CHECK(pull(s, 0, &next, &ordered) == total);
        CHECK(ordered);
        mc_stream_progress p = {0};
        EXPECT(mc_stream_stats(s, &p), MC_STATUS_OK);
        CHECK(p.events == total);
        CHECK(p.bytes > total * 100);
        mc_stream_free(s);
    }
    mc_client_free(c);
}

static void resume_from_checkpoint(uint32_t kind, const mc_options *o, size_t total)
{
    char name[64];
    snprintf(name, sizeof name, "checkpoint-%u.json", (unsigned)kind);
    char *path = write_file(name, "");
    remove(path); /* a missing file is a first run */
    mc_client *c = client_for(kind, o);
    size_t next = 1;
    bool ordered = true;
    size_t seen = 0;
    mc_stream *s = c ? open_stream(c, kind, path) : NULL;
    if (s) {
        seen += pull(s, 2, &next, &ordered); /* two batches, acknowledged */
        /* A third batch fetched and not acknowledged: it is delivered again. */
        bool more = false;
        EXPECT(mc_stream_next_batch(s, &more), MC_STATUS_OK);
        bool again = true;
        EXPECT(mc_stream_next_batch(s, &again), MC_STATUS_INVALID_ARGUMENT); /* ack first */
        mc_stream_free(s);
    }
    s = c ? open_stream(c, kind, path) : NULL;
    if (s) {
        seen += pull(s, 0, &next, &ordered);
        mc_stream_free(s);
    }
    CHECK(seen == total);
    CHECK(ordered);

    /* Corrupt: refused, never a silent restart. */
    FILE *f = fopen(path, "wb");
    if (f) {
        fputs("{\"version\": 1, \"kind\": \"nonsense\"", f);
        fclose(f);
    }
    mc_stream_options *so = NULL;
    EXPECT(mc_stream_options_new(kind, &so), MC_STATUS_OK);
    EXPECT(mc_stream_options_set_checkpoint(so, path), MC_STATUS_OK);
    mc_stream *bad = SENT;
    EXPECT(mc_stream_open(c, so, &bad), MC_STATUS_CHECKPOINT);
    CHECK(bad == SENT);
    mc_stream_options_free(so);
    mc_client_free(c);
    remove(path);
    free(path);
}

static void bad_options(void)
{
    mc_stream_options *so = SENT;
    EXPECT(mc_stream_options_new(0, &so), MC_STATUS_INVALID_ARGUMENT);
    EXPECT(mc_stream_options_new(4, &so), MC_STATUS_INVALID_ARGUMENT);
    CHECK(so == SENT);
    so = NULL;
    EXPECT(mc_stream_options_new(MC_STREAM_KIND_STREAM, &so), MC_STATUS_OK);
    EXPECT(mc_stream_options_set_follow(so, true, 10), MC_STATUS_INVALID_ARGUMENT);
    EXPECT(mc_stream_options_set_max_batch_bytes(so, 0), MC_STATUS_INVALID_ARGUMENT);
    EXPECT(mc_stream_options_add_type(so, NULL), MC_STATUS_INVALID_ARGUMENT);
    EXPECT(mc_stream_options_set_start(so, "yesterday"), MC_STATUS_OK); /* checked at open */
    mc_client *c = NULL;
    EXPECT(mc_client_new_oauth(g_base, CLIENT_ID, CLIENT_SECRET, NULL, &c), MC_STATUS_OK);
    mc_stream *s = SENT;
    EXPECT(mc_stream_open(c, so, &s), MC_STATUS_INVALID_ARGUMENT);
    CHECK(s == SENT);
    EXPECT(mc_stream_open(c, NULL, &s), MC_STATUS_INVALID_ARGUMENT);
    bool more;
    EXPECT(mc_stream_next_batch(NULL, &more), MC_STATUS_INVALID_ARGUMENT);
    mc_stream_progress p;
    EXPECT(mc_stream_stats(NULL, &p), MC_STATUS_INVALID_ARGUMENT);
    CHECK(mc_stream_batch_file(NULL) == NULL);
    mc_stream_free(NULL);
    mc_stream_options_free(NULL);
    mc_stream_options_free(so);
    mc_client_free(c);
}

void test_stream(void)
{
    if (!g_base)
        return;
    CHECK(emu_reset(g_base));
    size_t total = event_set_size();
    CHECK(total > 10);
    mc_options *o = opts_noretry(10000);
    static const uint32_t kinds[] = {MC_STREAM_KIND_SIEM_V1, MC_STREAM_KIND_BATCH, MC_STREAM_KIND_STREAM};
    for (size_t i = 0; i < 3; i++) {
        whole_pull(kinds[i], o, total);
        resume_from_checkpoint(kinds[i], o, total);
    }
    bad_options();
    mc_options_free(o);
}
