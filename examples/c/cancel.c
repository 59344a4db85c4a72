/*
 * cancel.c - stop a call in flight from another thread.
 *
 * A worker thread attaches a cancellation flag (mc_cancel_attach) and calls
 * Get Account; the main thread raises the flag (mc_cancel_cancel) after a
 * delay if the call has not finished. The call then returns
 * MC_STATUS_CANCELLED within about 20 ms, whatever it was waiting for: the
 * name lookup, the connection, TLS, the answer, a retry back-off.
 *
 * Credentials come from the environment, as for get_account.c. Usage:
 *
 *   cancel [MILLISECONDS]     (default 1000)
 *
 * Build (from the repository root, after `cargo build --release`):
 *
 *   cc -std=c11 -Wall -Wextra -Wpedantic -pthread -Iinclude examples/c/cancel.c \
 *      -Ltarget/release -lmimecast -Wl,-rpath,$PWD/target/release -o cancel
 *
 * Exit status: 0 when the call finished or was cancelled, 1 on any other
 * error.
 */
#define _POSIX_C_SOURCE 200809L
#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "mimecast.h"

struct job {
    const mc_client *client;
    const mc_cancel *cancel;
    mc_status status;
    char message[256];
    volatile int done;
};

static void *worker(void *arg)
{
    struct job *job = arg;
    /* The flag governs every call this thread makes until it is detached. */
    job->status = mc_cancel_attach(job->cancel);
    if (job->status == MC_STATUS_OK) {
        mc_account *account = NULL;
        job->status = mc_get_account(job->client, &account);
        if (job->status == MC_STATUS_OK) {
            snprintf(job->message, sizeof job->message, "%s", account->account_name ? account->account_name : "");
            mc_account_free(account);
        } else {
            snprintf(job->message, sizeof job->message, "%s", mc_last_error_message());
        }
        mc_cancel_detach();
    }
    job->done = 1;
    return NULL;
}

static double now_ms(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec * 1000.0 + t.tv_nsec / 1e6;
}

int main(int argc, char **argv)
{
    long wait_ms = argc > 1 ? strtol(argv[1], NULL, 10) : 1000;

    mc_client *client = NULL;
    mc_status st = mc_client_new_from_env(NULL, &client);
    if (st != MC_STATUS_OK) {
        fprintf(stderr, "mc_client_new_from_env failed: %s: %s\n", mc_status_name((uint32_t)st),
                mc_last_error_message());
        return 1;
    }
    mc_cancel *cancel = mc_cancel_new();
    struct job job = {.client = client, .cancel = cancel, .status = MC_STATUS_OK, .done = 0};

    pthread_t thread;
    if (pthread_create(&thread, NULL, worker, &job) != 0) {
        fprintf(stderr, "pthread_create failed\n");
        return 1;
    }
    /* Wait up to wait_ms for the call, then cancel it. */
    double started = now_ms();
    while (!job.done && now_ms() - started < (double)wait_ms) {
        struct timespec tick = {0, 5 * 1000 * 1000};
        nanosleep(&tick, NULL);
    }
    double cancelled_at = now_ms();
    int cancelled = !job.done;
    if (cancelled)
        mc_cancel_cancel(cancel);
    pthread_join(thread, NULL);
    double returned_at = now_ms();

    int rc = 0;
    if (job.status == MC_STATUS_OK) {
        printf("finished: %s\n", job.message);
    } else if (job.status == MC_STATUS_CANCELLED && cancelled) {
        printf("cancelled after %ld ms; the call returned %.0f ms after the cancel\n", wait_ms,
               returned_at - cancelled_at);
    } else {
        fprintf(stderr, "mc_get_account failed: %s: %s\n", mc_status_name((uint32_t)job.status), job.message);
        rc = 1;
    }
    mc_cancel_free(cancel);
    mc_client_free(client);
    return rc;
}
