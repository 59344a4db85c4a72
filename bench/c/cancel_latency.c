/* Cancellation latency (issue 16): how long mc_get_account takes to return
 * after mc_cancel_cancel() is raised from another thread, while the
 * emulator's "slow" fault holds the answer. N rounds; prints one JSON line
 * with the median and the maximum, in ns (bench/run.sh reports them).
 *
 *   cancel_latency BASE_URL N
 */
#define _POSIX_C_SOURCE 200809L
#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "mimecast.h"

static const char *APP_ID = "6f6b3f73-1a2b-4c3d-9e8f-0123456789ab";
static const char *APP_KEY = "c2f1c8a0-5d8e-4f5a-9b7c-abcdef012345";
static const char *ACCESS_KEY =
    "mYtOL3XZCOwG96BOiFTZRmMtmBmXMf4ULJMl0iBEPbQk4hgyl5nORmSY3EG8dS5tZEsQqhHdd"
    "iO6rrDY6EbZ6ao7FxCpDaTw8QCuiRWOV3ldvoHfXPEgPWdiL0MC-7AIwH9OvEc8lXrJeYVO2tmyWA";
static const char *SECRET_KEY =
    "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8gISIjJCUmJygpKissLS4vMDEyMzQ1Njc4OTo7PD0+Pw==";

static double now_ns(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec * 1e9 + (double)t.tv_nsec;
}

/* Queues the emulator's slow fault for the next `times` requests. */
static int set_slow_fault(int port, int times)
{
    char body[128], req[512];
    snprintf(body, sizeof body, "{\"fault\": \"slow\", \"delay_s\": 3, \"times\": %d}", times);
    snprintf(req, sizeof req,
             "POST /_emulator/faults HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
             "Content-Length: %zu\r\nConnection: close\r\n\r\n%s",
             strlen(body), body);
    int s = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
    inet_pton(AF_INET, "127.0.0.1", &a.sin_addr);
    if (s < 0 || connect(s, (struct sockaddr *)&a, sizeof a) != 0)
        return -1;
    if (write(s, req, strlen(req)) != (ssize_t)strlen(req))
        return -1;
    char answer[256] = {0};
    ssize_t n = read(s, answer, sizeof answer - 1);
    close(s);
    return n > 12 && strncmp(answer + 9, "200", 3) == 0 ? 0 : -1;
}

struct job {
    mc_client *client;
    mc_cancel *cancel;
    mc_status status;
    double returned;
};

static void *worker(void *arg)
{
    struct job *j = arg;
    if (mc_cancel_attach(j->cancel) != MC_STATUS_OK) {
        j->status = MC_STATUS_INTERNAL;
        return NULL;
    }
    mc_account *account = NULL;
    j->status = mc_get_account(j->client, &account);
    j->returned = now_ns();
    mc_account_free(account);
    mc_cancel_detach();
    return NULL;
}

static int cmp(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

int main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: cancel_latency BASE_URL N\n");
        return 2;
    }
    const char *base = argv[1];
    int n = atoi(argv[2]);
    const char *colon = strrchr(base, ':');
    int port = colon ? atoi(colon + 1) : 0;
    if (n < 1 || n > 1000 || port <= 0 || set_slow_fault(port, n) != 0) {
        fprintf(stderr, "cancel_latency: bad arguments or the emulator refused the fault\n");
        return 2;
    }
    mc_options *o = mc_options_new();
    mc_client *client = NULL;
    if (mc_options_set_proxy(o, "") != MC_STATUS_OK ||
        mc_client_new(base, APP_ID, APP_KEY, ACCESS_KEY, SECRET_KEY, o, &client) != MC_STATUS_OK) {
        fprintf(stderr, "client: %s\n", mc_last_error_message());
        return 1;
    }
    mc_options_free(o);
    double *lat = calloc((size_t)n, sizeof *lat);
    for (int i = 0; i < n; i++) {
        struct job j = {.client = client, .cancel = mc_cancel_new()};
        pthread_t t;
        pthread_create(&t, NULL, worker, &j);
        struct timespec wait = {0, 100 * 1000 * 1000}; /* the call is waiting by then */
        nanosleep(&wait, NULL);
        double raised = now_ns();
        mc_cancel_cancel(j.cancel);
        pthread_join(t, NULL);
        mc_cancel_free(j.cancel);
        if (j.status != MC_STATUS_CANCELLED) {
            fprintf(stderr, "round %d: %s, not cancelled\n", i, mc_status_name((uint32_t)j.status));
            return 1;
        }
        lat[i] = j.returned - raised;
    }
    mc_client_free(client);
    qsort(lat, (size_t)n, sizeof *lat, cmp);
    printf("{\"id\": \"c.cancel.wait\", \"unit\": \"ns\", \"median\": %.0f, \"max\": %.0f, \"reps\": %d}\n",
           lat[n / 2], lat[n - 1], n);
    free(lat);
    return 0;
}
