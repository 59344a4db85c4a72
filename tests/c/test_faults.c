/*
 * tests/c/test_faults.c - every emulator fault maps to its status; retries; keep-alive.
 */
#include "harness.h"

typedef enum { CALL_ACCOUNT, CALL_REQUEST } call_kind;

/* Runs one call on a fresh client with `o` after queuing `fault_json`. */
static mc_status fault_call(const char *fault_json, const mc_options *o, call_kind kind)
{
    mc_client *c = client1(g_base, o);
    if (!c)
        return MC_STATUS_INTERNAL;
    if (fault_json)
        CHECK(emu_fault(g_base, fault_json));
    mc_status st;
    if (kind == CALL_ACCOUNT) {
        mc_account *a = SENT;
        st = mc_get_account(c, &a);
        if (st == MC_STATUS_OK)
            mc_account_free(a);
        else
            CHECK(a == SENT);
    } else {
        char *r = SENT;
        st = mc_request(c, "/api/some/endpoint", "{\"data\":[]}", &r);
        if (st == MC_STATUS_OK)
            mc_free(r);
        else
            CHECK(r == SENT);
    }
    /* Keep the thread's last error for the caller: free after reading. */
    mc_client_free(c);
    return st;
}

void test_faults(void)
{
    if (!g_base)
        return;
    CHECK(emu_reset(g_base));
    mc_options *o = opts_noretry(10000);

    EXPECT(fault_call("{\"fault\":\"unauthorized\"}", o, CALL_ACCOUNT), MC_STATUS_UNAUTHORIZED);
    CHECK_STR(mc_last_error_code(), "err_xdk_invalid_signature");
    CHECK_STR(mc_last_error_api_message(), "0004 Invalid Signature");
    CHECK(mc_last_error_http_status() == 401);

    EXPECT(fault_call("{\"fault\":\"forbidden\"}", o, CALL_REQUEST), MC_STATUS_UNAUTHORIZED);
    CHECK_STR(mc_last_error_code(), "err_xdk_operation_forbidden");
    CHECK(mc_last_error_http_status() == 403);

    EXPECT(fault_call("{\"fault\":\"binding_expired\"}", o, CALL_ACCOUNT), MC_STATUS_BINDING_EXPIRED);
    CHECK_STR(mc_last_error_code(), "err_xdk_binding_expired");
    CHECK(mc_last_error_http_status() == 418);

    EXPECT(fault_call("{\"fault\":\"rate_limited\",\"reset_ms\":1234}", o, CALL_ACCOUNT),
           MC_STATUS_RATE_LIMITED);
    CHECK(mc_last_error_retry_after_ms() == 1234); /* X-RateLimit-Reset, not Retry-After: 300 */
    CHECK(mc_last_error_http_status() == 429);
    CHECK(mc_last_retry_count() == 0);

    EXPECT(fault_call("{\"fault\":\"api_fail\",\"code\":\"err_validation_blank\","
                      "\"message\":\"Value cannot be blank\"}",
                      o, CALL_REQUEST),
           MC_STATUS_API_FAILURE);
    CHECK_STR(mc_last_error_code(), "err_validation_blank");
    CHECK_STR(mc_last_error_api_message(), "Value cannot be blank");
    CHECK(mc_last_error_retry_after_ms() == -1);

    EXPECT(fault_call("{\"fault\":\"api_fail\",\"code\":\"err_custom_x\"}", o, CALL_ACCOUNT),
           MC_STATUS_API_FAILURE);
    CHECK_STR(mc_last_error_code(), "err_custom_x");

    EXPECT(fault_call("{\"fault\":\"server_error\"}", o, CALL_ACCOUNT), MC_STATUS_HTTP_ERROR);
    CHECK(mc_last_error_http_status() == 500);

    EXPECT(fault_call("{\"fault\":\"malformed\"}", o, CALL_ACCOUNT), MC_STATUS_MALFORMED_RESPONSE);
    EXPECT(fault_call("{\"fault\":\"malformed\"}", o, CALL_REQUEST), MC_STATUS_MALFORMED_RESPONSE);
    EXPECT2(fault_call("{\"fault\":\"html\"}", o, CALL_ACCOUNT), MC_STATUS_HTTP_ERROR,
            MC_STATUS_MALFORMED_RESPONSE);
    CHECK(mc_last_error_http_status() == 502);
    EXPECT2(fault_call("{\"fault\":\"wrong_content_type\"}", o, CALL_REQUEST),
            MC_STATUS_MALFORMED_RESPONSE, MC_STATUS_HTTP_ERROR);

    EXPECT(fault_call("{\"fault\":\"truncated\"}", o, CALL_ACCOUNT), MC_STATUS_TRANSPORT);
    EXPECT(fault_call("{\"fault\":\"reset\"}", o, CALL_ACCOUNT), MC_STATUS_TRANSPORT);
    EXPECT(fault_call("{\"fault\":\"drop\"}", o, CALL_ACCOUNT), MC_STATUS_TRANSPORT);
    CHECK(mc_last_error_http_status() == 0);

    /* Nothing listening. */
    {
        char url[64];
        snprintf(url, sizeof url, "http://127.0.0.1:%d", dead_port());
        mc_client *c = client1(url, o);
        if (c) {
            mc_account *a = SENT;
            EXPECT(mc_get_account(c, &a), MC_STATUS_TRANSPORT);
            CHECK(a == SENT);
            mc_client_free(c);
        }
    }

    /* Too large. */
    {
        mc_options *big = opts_noretry(20000);
        EXPECT(mc_options_set_max_response_bytes(big, ONE_MIB), MC_STATUS_OK);
        EXPECT(fault_call("{\"fault\":\"huge\",\"size_bytes\":3145728}", big, CALL_REQUEST),
               MC_STATUS_RESPONSE_TOO_LARGE);
        /* The same limit lets a normal response through. */
        EXPECT(fault_call(NULL, big, CALL_ACCOUNT), MC_STATUS_OK);
        mc_options_free(big);
    }

    /* Timeouts: the server stalls or trickles, the 1000 ms timeout cuts it off. */
    {
        mc_options *t = opts_noretry(1000);
        double t0 = t_now();
        EXPECT(fault_call("{\"fault\":\"slow\",\"delay_s\":3}", t, CALL_ACCOUNT), MC_STATUS_TIMEOUT);
        EXPECT(fault_call("{\"fault\":\"trickle\",\"interval_s\":0.2,\"duration_s\":4}", t,
                          CALL_ACCOUNT),
               MC_STATUS_TIMEOUT);
        double secs = t_now() - t0;
        CHECK(secs < 6.0); /* each call cut off near 1 s, not after the server's 3-4 s */
        mc_options_free(t);
    }

    /* Redirects are not followed (the signed headers must not travel elsewhere). */
    EXPECT(fault_call("{\"fault\":\"redirect\"}", o, CALL_ACCOUNT), MC_STATUS_HTTP_ERROR);
    CHECK(mc_last_error_http_status() == 302);
    CHECK(emu_stat(g_base, "redirect_target_hits") == 0);
    CHECK(emu_stat(g_base, "redirect_target_auth_seen") == 0);
    mc_options_free(o);

    /* Retries with the default policy. */
    mc_options *d = mc_options_new();
    EXPECT(mc_options_set_proxy(d, ""), MC_STATUS_OK);
    {
        double t0 = t_now();
        EXPECT(fault_call("{\"fault\":\"rate_limited\",\"reset_ms\":300}", d, CALL_ACCOUNT),
               MC_STATUS_OK);
        double t1 = t_now();
        CHECK(mc_last_retry_count() == 1);
        long ms = (long)((t1 - t0) * 1000.0);
        CHECK(ms >= 300); /* waited at least X-RateLimit-Reset */
        CHECK(ms < 60000);
    }
    /* A 5xx on a read is retried; on a generic request (which may change
       something) only after mc_options_set_retry_after_send. */
    EXPECT(fault_call("{\"fault\":\"server_error\"}", d, CALL_ACCOUNT), MC_STATUS_OK);
    CHECK(mc_last_retry_count() == 1);
    EXPECT(fault_call("{\"fault\":\"server_error\"}", d, CALL_REQUEST), MC_STATUS_HTTP_ERROR);
    CHECK(mc_last_retry_count() == 0);
    EXPECT(fault_call("{\"fault\":\"reset\"}", d, CALL_REQUEST), MC_STATUS_TRANSPORT);
    CHECK(mc_last_retry_count() == 0);
    {
        mc_options *after = mc_options_new();
        EXPECT(mc_options_set_proxy(after, ""), MC_STATUS_OK);
        EXPECT(mc_options_set_retry_after_send(NULL, true), MC_STATUS_INVALID_ARGUMENT);
        EXPECT(mc_options_set_retry_after_send(after, true), MC_STATUS_OK);
        EXPECT(fault_call("{\"fault\":\"server_error\"}", after, CALL_REQUEST), MC_STATUS_OK);
        CHECK(mc_last_retry_count() == 1);
        EXPECT(mc_options_set_retry_after_send(after, false), MC_STATUS_OK);
        EXPECT(fault_call("{\"fault\":\"server_error\"}", after, CALL_REQUEST), MC_STATUS_HTTP_ERROR);
        mc_options_free(after);
    }
    EXPECT(fault_call("{\"fault\":\"rate_limited\",\"reset_ms\":50,\"times\":2}", d, CALL_ACCOUNT),
           MC_STATUS_OK);
    CHECK(mc_last_retry_count() == 2);
    /* Not retried: a 401 is final. */
    EXPECT(fault_call("{\"fault\":\"unauthorized\"}", d, CALL_ACCOUNT), MC_STATUS_UNAUTHORIZED);
    CHECK(mc_last_retry_count() == 0);
    /* Retries are capped: 1 retry allowed, 3 failures queued. */
    {
        mc_options *r1 = mc_options_new();
        EXPECT(mc_options_set_proxy(r1, ""), MC_STATUS_OK);
        EXPECT(mc_options_set_retry(r1, 1, 10000), MC_STATUS_OK);
        EXPECT(fault_call("{\"fault\":\"rate_limited\",\"reset_ms\":50,\"times\":3}", r1,
                          CALL_ACCOUNT),
               MC_STATUS_RATE_LIMITED);
        CHECK(mc_last_retry_count() == 1);
        CHECK(mc_last_error_retry_after_ms() == 50);
        mc_options_free(r1);
        CHECK(emu_reset(g_base)); /* drop the unused fault */
    }
    mc_options_free(d);

    /* Keep-alive: five calls on one client use one connection. */
    CHECK(emu_reset(g_base));
    mc_client *c = client1(g_base, NULL);
    if (c) {
        for (int i = 0; i < 5; i++) {
            mc_account *a = SENT;
            EXPECT(mc_get_account(c, &a), MC_STATUS_OK);
            if (a != SENT)
                mc_account_free(a);
        }
        CHECK(emu_stat(g_base, "requests") == 5);
        long conns = emu_stat(g_base, "connections");
        if (conns != 1)
            fprintf(stderr, "keep-alive: %ld connections for 5 calls\n", conns);
        CHECK(conns == 1);
        mc_client_free(c);
    }
}
