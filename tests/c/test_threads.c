/*
 * tests/c/test_threads.c - one client shared by many threads; per-thread last error.
 */
#include "harness.h"

#define N_THREADS 8
#define N_CALLS 20

typedef struct {
    const mc_client *client;
    int ok, failed;
    int retries_seen;
} thread_arg;

static void thread_main(void *p)
{
    thread_arg *t = p;
    for (int i = 0; i < N_CALLS; i++) {
        mc_account *a = SENT;
        mc_status st = mc_get_account(t->client, &a);
        if (st == MC_STATUS_OK && a != SENT && a != NULL && a->account_name &&
            strcmp(a->account_name, ACCOUNT_NAME_UTF8) == 0) {
            t->ok++;
        } else {
            t->failed++;
            fprintf(stderr, "thread call failed: %s: %s\n", mc_status_name((uint32_t)st),
                    mc_last_error_message());
        }
        if (st == MC_STATUS_OK)
            mc_account_free(a);
        t->retries_seen += (int)mc_last_retry_count();
    }
    /* Thread-local last error: a failure here is not seen by other threads. */
    mc_account *a = SENT;
    mc_status st = mc_get_account(NULL, &a);
    if (st != MC_STATUS_INVALID_ARGUMENT || mc_last_error_message()[0] == '\0')
        t->failed++;
}

void test_threads(void)
{
    if (!g_base)
        return;
    mc_client *c = client1(g_base, NULL);
    if (!c)
        return;
    t_thread *th[N_THREADS];
    thread_arg args[N_THREADS];
    memset(args, 0, sizeof args);
    /* A failure on the main thread before: the workers' successes do not clear it. */
    mc_status st = mc_request(c, NULL, NULL, NULL);
    CHECK(st == MC_STATUS_INVALID_ARGUMENT);
    for (int i = 0; i < N_THREADS; i++) {
        args[i].client = c;
        CHECK((th[i] = t_thread_start(thread_main, &args[i])) != NULL);
    }
    int ok = 0, failed = 0;
    for (int i = 0; i < N_THREADS; i++) {
        t_thread_join(th[i]);
        ok += args[i].ok;
        failed += args[i].failed;
    }
    mc_status last = mc_last_error_status();
    CHECK(last == MC_STATUS_INVALID_ARGUMENT);
    CHECK(ok == N_THREADS * N_CALLS);
    CHECK(failed == 0);
    printf("threads: %d/%d calls OK\n", ok, N_THREADS * N_CALLS);
    mc_client_free(c);

    /* API 2.0 shared by threads: one token fetch for all of them. */
    CHECK(emu_reset(g_base));
    long tok0 = emu_stat(g_base, "tokens_issued");
    c = SENT;
    EXPECT(mc_client_new_oauth(g_base, CLIENT_ID, CLIENT_SECRET, NULL, &c), MC_STATUS_OK);
    if (c == SENT)
        return;
    memset(args, 0, sizeof args);
    for (int i = 0; i < N_THREADS; i++) {
        args[i].client = c;
        CHECK((th[i] = t_thread_start(thread_main, &args[i])) != NULL);
    }
    ok = failed = 0;
    for (int i = 0; i < N_THREADS; i++) {
        t_thread_join(th[i]);
        ok += args[i].ok;
        failed += args[i].failed;
    }
    CHECK(ok == N_THREADS * N_CALLS);
    CHECK(failed == 0);
    CHECK(emu_stat(g_base, "tokens_issued") == tok0 + 1);
    mc_client_free(c);
}
