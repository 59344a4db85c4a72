/* SIEM pull benchmark (issue 15): one process pulls an event stream from
 * the emulator through mc_stream_* and hands every event to the caller
 * (here: counts bytes and lines, and touches each byte, as a consumer
 * copying events out would), acknowledging each batch.
 *
 *   siem_pull ID BASE_URL KIND MAX_MB
 *
 * KIND is batch (API 2.0 gzip files by presigned link), stream (API 2.0
 * pages) or siem-v1 (API 1.0 zip files). MAX_MB > 0 stops after that many
 * MB of events (to show that peak memory does not grow with the pull);
 * 0 pulls everything. Prints one JSON line: events, decompressed bytes,
 * CPU seconds of this process (user + system), wall seconds, MB/s per
 * CPU second and per wall second, and peak RSS (getrusage ru_maxrss).
 *
 * CPU time, not wall time, is the "per core" measure: the emulator is
 * Python and may be the slower side; its time is not this process's.
 */
#define _POSIX_C_SOURCE 200809L
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "mimecast.h"

static const char *APP_ID = "6f6b3f73-1a2b-4c3d-9e8f-0123456789ab";
static const char *APP_KEY = "c2f1c8a0-5d8e-4f5a-9b7c-abcdef012345";
static const char *ACCESS_KEY =
    "mYtOL3XZCOwG96BOiFTZRmMtmBmXMf4ULJMl0iBEPbQk4hgyl5nORmSY3EG8dS5tZEsQqhHdd"
    "iO6rrDY6EbZ6ao7FxCpDaTw8QCuiRWOV3ldvoHfXPEgPWdiL0MC-7AIwH9OvEc8lXrJeYVO2tmyWA";
static const char *SECRET_KEY =
    "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8gISIjJCUmJygpKissLS4vMDEyMzQ1Njc4OTo7PD0+Pw==";
static const char *CLIENT_ID = "emulator-client-id-0001";
static const char *CLIENT_SECRET = "emulator-client-secret-s3cr3t-0001";

static double now_s(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static double cpu_s(void)
{
    struct rusage u;
    getrusage(RUSAGE_SELF, &u);
    return (double)u.ru_utime.tv_sec + (double)u.ru_utime.tv_usec / 1e6 +
           (double)u.ru_stime.tv_sec + (double)u.ru_stime.tv_usec / 1e6;
}

static int fail(const char *what, mc_status st)
{
    fprintf(stderr, "%s: %s: %s\n", what, mc_status_name((uint32_t)st), mc_last_error_message());
    return 1;
}

int main(int argc, char **argv)
{
    if (argc != 5) {
        fprintf(stderr, "usage: siem_pull ID BASE_URL batch|stream|siem-v1 MAX_MB\n");
        return 2;
    }
    const char *id = argv[1], *base = argv[2], *kind_name = argv[3];
    uint64_t max_bytes = (uint64_t)strtoull(argv[4], NULL, 10) * 1000000u;
    uint32_t kind = strcmp(kind_name, "batch") == 0    ? MC_STREAM_KIND_BATCH
                    : strcmp(kind_name, "stream") == 0 ? MC_STREAM_KIND_STREAM
                                                       : MC_STREAM_KIND_SIEM_V1;

    mc_options *o = mc_options_new();
    mc_status st = mc_options_set_proxy(o, "");
    if (st != MC_STATUS_OK)
        return fail("mc_options_set_proxy", st);
    mc_client *client = NULL;
    st = kind == MC_STREAM_KIND_SIEM_V1
             ? mc_client_new(base, APP_ID, APP_KEY, ACCESS_KEY, SECRET_KEY, o, &client)
             : mc_client_new_oauth(base, CLIENT_ID, CLIENT_SECRET, o, &client);
    mc_options_free(o);
    if (st != MC_STATUS_OK)
        return fail("client", st);

    mc_stream_options *so = NULL;
    if ((st = mc_stream_options_new(kind, &so)) != MC_STATUS_OK)
        return fail("mc_stream_options_new", st);
    if (kind != MC_STREAM_KIND_SIEM_V1) {
        if ((st = mc_stream_options_set_start(so, "2026-11-30")) != MC_STATUS_OK)
            return fail("mc_stream_options_set_start", st);
        st = mc_stream_options_set_page_size(so, kind == MC_STREAM_KIND_BATCH ? 10 : 500);
        if (st != MC_STATUS_OK)
            return fail("mc_stream_options_set_page_size", st);
    }
    mc_stream *stream = NULL;
    if ((st = mc_stream_open(client, so, &stream)) != MC_STATUS_OK)
        return fail("mc_stream_open", st);
    mc_stream_options_free(so);

    double c0 = cpu_s(), w0 = now_s();
    uint64_t events = 0, bytes = 0, checksum = 0;
    bool more = true;
    while (more && (max_bytes == 0 || bytes < max_bytes)) {
        if ((st = mc_stream_next_batch(stream, &more)) != MC_STATUS_OK)
            return fail("mc_stream_next_batch", st);
        if (!more)
            break;
        for (;;) {
            const char *ev = NULL;
            size_t len = 0;
            if ((st = mc_stream_next_event(stream, &ev, &len)) != MC_STATUS_OK)
                return fail("mc_stream_next_event", st);
            if (ev == NULL)
                break;
            /* The consumer reads every byte (a checksum stands in for
             * writing the event somewhere), so nothing is skipped lazily. */
            for (size_t i = 0; i < len; i++)
                checksum += (unsigned char)ev[i];
            events++;
            bytes += len;
        }
        if ((st = mc_stream_ack(stream)) != MC_STATUS_OK)
            return fail("mc_stream_ack", st);
    }
    double cpu = cpu_s() - c0, wall = now_s() - w0;
    struct rusage u;
    getrusage(RUSAGE_SELF, &u);
    mc_stream_free(stream);
    mc_client_free(client);
    printf("{\"id\": \"%s\", \"events\": %" PRIu64 ", \"bytes\": %" PRIu64
           ", \"cpu_s\": %.3f, \"wall_s\": %.3f, \"mb_per_cpu_s\": %.1f, \"mb_per_wall_s\": %.1f,"
           " \"maxrss_kib\": %ld, \"checksum\": %" PRIu64 "}\n",
           id, events, bytes, cpu, wall, cpu > 0 ? (double)bytes / 1e6 / cpu : 0.0,
           wall > 0 ? (double)bytes / 1e6 / wall : 0.0, u.ru_maxrss, checksum);
    return 0;
}
