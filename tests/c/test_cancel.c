/*
 * tests/c/test_cancel.c - cancellation flags through the C ABI: a call held
 * by the emulator is cancelled from another thread and returns
 * MC_STATUS_CANCELLED promptly; a raised flag stops calls before they
 * start; one flag can govern calls on several threads; detaching and
 * freeing in any order is safe (valgrind and ASan runs check the memory).
 */
#include "harness.h"

struct job {
    mc_client *client;
    const mc_cancel *flag;
    mc_status status;
    double returned;
};

static void held_call(void *arg)
{
    struct job *j = arg;
    if (mc_cancel_attach(j->flag) != MC_STATUS_OK) {
        j->status = MC_STATUS_INTERNAL;
        return;
    }
    mc_account *a = SENT;
    j->status = mc_get_account(j->client, &a);
    j->returned = t_now();
    if (j->status == MC_STATUS_OK)
        mc_account_free(a);
    else if (a != SENT)
        j->status = MC_STATUS_INTERNAL; /* out must be untouched on failure */
    mc_cancel_detach();
}

static void cancel_while_waiting(const mc_options *o)
{
    /* Two calls on two threads, one flag; both held by the slow fault. */
    CHECK(emu_fault(g_base, "{\"fault\":\"slow\",\"delay_s\":3,\"times\":2}"));
    mc_client *c = client1(g_base, o);
    mc_cancel *flag = mc_cancel_new();
    CHECK(flag != NULL);
    struct job jobs[2] = {{c, flag, MC_STATUS_OK, 0}, {c, flag, MC_STATUS_OK, 0}};
    t_thread *t[2] = {t_thread_start(held_call, &jobs[0]), t_thread_start(held_call, &jobs[1])};
    t_sleep_ms(300);
    CHECK(!mc_cancel_is_cancelled(flag));
    double raised = t_now();
    mc_cancel_cancel(flag);
    mc_cancel_cancel(flag); /* idempotent */
    CHECK(mc_cancel_is_cancelled(flag));
    mc_cancel_free(flag);   /* the attached threads keep their own reference */
    for (int i = 0; i < 2; i++) {
        t_thread_join(t[i]);
        CHECK(jobs[i].status == MC_STATUS_CANCELLED);
        double ms = (jobs[i].returned - raised) * 1000.0;
        printf("  cancel: call %d returned %.1f ms after the cancel\n", i, ms);
        CHECK(ms < 1500.0); /* generous: the fault holds for 3000 ms */
    }
    mc_client_free(c);
}

static void raised_before_the_call(const mc_options *o)
{
    mc_client *c = client1(g_base, o);
    mc_cancel *flag = mc_cancel_new();
    mc_cancel_cancel(flag);
    EXPECT(mc_cancel_attach(flag), MC_STATUS_OK);
    mc_account *a = SENT;
    EXPECT(mc_get_account(c, &a), MC_STATUS_CANCELLED);
    CHECK(a == SENT);
    char *r = SENT;
    EXPECT(mc_request(c, "/api/some/endpoint", "{\"data\":[]}", &r), MC_STATUS_CANCELLED);
    /* Detached: calls run again. */
    mc_cancel_detach();
    get_account_ok(c);
    /* NULL detaches too; a second detach is harmless. */
    EXPECT(mc_cancel_attach(flag), MC_STATUS_OK);
    EXPECT(mc_cancel_attach(NULL), MC_STATUS_OK);
    get_account_ok(c);
    mc_cancel_detach();
    mc_cancel_free(flag);
    mc_cancel_cancel(NULL);
    CHECK(!mc_cancel_is_cancelled(NULL));
    mc_cancel_free(NULL);
    mc_client_free(c);
}

void test_cancel(void)
{
    if (!g_base)
        return;
    CHECK(emu_reset(g_base));
    mc_options *o = opts_noretry(10000);
    cancel_while_waiting(o);
    raised_before_the_call(o);
    mc_options_free(o);
}
