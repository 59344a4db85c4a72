/*
 * siem_events.c - a SIEM collector: pull security events and write each one
 * as a line of JSON to stdout, resuming from a checkpoint file.
 *
 * Each batch (an API 1.0 zip file, an API 2.0 batch file or page) is
 * written and flushed, then acknowledged: only then does the library move
 * the checkpoint past it (atomically). Killed at any point, the next run
 * starts after the last acknowledged batch: at most that one batch is
 * written twice, nothing is skipped.
 *
 * Credentials come from the environment, as for get_account.c (API 2.0
 * with MIMECAST_CLIENT_ID/MIMECAST_CLIENT_SECRET for batch and stream,
 * API 1.0 keys for siem-v1). Usage:
 *
 *   siem_events siem-v1|batch|stream CHECKPOINT_FILE [START_DATE]
 *
 * START_DATE (YYYY-MM-DD) is where a first API 2.0 pull starts; the
 * default is seven days ago. Progress goes to stderr at the end.
 *
 * Build (from the repository root, after `cargo build --release`):
 *
 *   cc -std=c11 -Wall -Wextra -Wpedantic -Iinclude examples/c/siem_events.c \
 *      -Ltarget/release -lmimecast -Wl,-rpath,$PWD/target/release -o siem_events
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "mimecast.h"

static int fail(const char *what, mc_status status)
{
    fprintf(stderr, "%s: %s: %s\n", what, mc_status_name((uint32_t)status), mc_last_error_message());
    return 1;
}

int main(int argc, char **argv)
{
    if (argc < 3 || argc > 4) {
        fprintf(stderr, "usage: siem_events siem-v1|batch|stream CHECKPOINT_FILE [START_DATE]\n");
        return 2;
    }
    uint32_t kind = strcmp(argv[1], "batch") == 0    ? MC_STREAM_KIND_BATCH
                    : strcmp(argv[1], "stream") == 0 ? MC_STREAM_KIND_STREAM
                    : strcmp(argv[1], "siem-v1") == 0 ? MC_STREAM_KIND_SIEM_V1
                                                      : 0;
    mc_client *client = NULL;
    mc_stream_options *options = NULL;
    mc_stream *stream = NULL;
    mc_status st = mc_client_new_from_env(NULL, &client);
    if (st != MC_STATUS_OK)
        return fail("credentials", st);
    if ((st = mc_stream_options_new(kind, &options)) != MC_STATUS_OK ||
        (st = mc_stream_options_set_checkpoint(options, argv[2])) != MC_STATUS_OK ||
        (argc == 4 && (st = mc_stream_options_set_start(options, argv[3])) != MC_STATUS_OK) ||
        (st = mc_stream_open(client, options, &stream)) != MC_STATUS_OK) {
        mc_stream_options_free(options);
        mc_client_free(client);
        return fail("opening the stream", st);
    }
    mc_stream_options_free(options);

    int rc = 0;
    for (;;) {
        bool has_batch = false;
        if ((st = mc_stream_next_batch(stream, &has_batch)) != MC_STATUS_OK) {
            rc = fail("next batch", st);
            break;
        }
        if (!has_batch)
            break; /* caught up */
        const char *event = NULL;
        size_t len = 0;
        while ((st = mc_stream_next_event(stream, &event, &len)) == MC_STATUS_OK && event != NULL) {
            fwrite(event, 1, len, stdout);
            fputc('\n', stdout);
        }
        if (st != MC_STATUS_OK) {
            rc = fail("reading the batch", st);
            break;
        }
        /* Handled: written and flushed. Only now acknowledge it. */
        if (fflush(stdout) != 0) {
            perror("stdout");
            rc = 1;
            break;
        }
        if ((st = mc_stream_ack(stream)) != MC_STATUS_OK) {
            rc = fail("saving the checkpoint", st);
            break;
        }
    }
    mc_stream_progress progress;
    if (mc_stream_stats(stream, &progress) == MC_STATUS_OK)
        fprintf(stderr, "%" PRIu64 " events, %" PRIu64 " bytes in %" PRIu64 " batches this run; "
                        "%" PRIu64 " events in all\n",
                progress.events, progress.bytes, progress.batches, progress.total_events);
    mc_stream_free(stream);
    mc_client_free(client);
    return rc;
}
