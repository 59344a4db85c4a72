/*
 * tests/c/test_account.c - mc_get_account and mc_request against the emulator.
 */
#include "harness.h"

void test_get_account_and_request(void)
{
    if (!g_base)
        return;
    CHECK(emu_reset(g_base));
    mc_client *c = client1(g_base, NULL);
    if (!c)
        return;
    mc_account *a = SENT;
    EXPECT(mc_get_account(c, &a), MC_STATUS_OK);
    CHECK(mc_last_retry_count() == 0);
    if (a != SENT && a != NULL) {
        check_account(a);
        mc_account_free(a);
    }
    a = SENT;
    EXPECT(mc_get_account(NULL, &a), MC_STATUS_INVALID_ARGUMENT);
    CHECK(a == SENT);
    EXPECT(mc_get_account(c, NULL), MC_STATUS_INVALID_ARGUMENT);

    /* Generic request with a body (non-ASCII too). */
    char *resp = SENT;
    EXPECT(mc_request(c, "/api/directory/find-groups",
                      "{\"data\":[{\"query\":\"Gr\xc3\xbc\xc3\x9f" "e\",\"source\":\"cloud\"}]}", &resp),
           MC_STATUS_OK);
    if (resp != SENT && resp) {
        CHECK(strstr(resp, "/api/directory/find-groups") != NULL);
        CHECK(strstr(resp, "\"echo\"") != NULL);
        CHECK(strstr(resp, "cloud") != NULL);
        CHECK(strstr(resp, "Gr\xc3\xbc\xc3\x9f" "e") != NULL || strstr(resp, "\\u00fc") != NULL);
        mc_free(resp);
    }
    /* NULL body sends {"data":[]}. */
    resp = SENT;
    EXPECT(mc_request(c, "/api/directory/find-groups", NULL, &resp), MC_STATUS_OK);
    if (resp != SENT && resp) {
        CHECK(strstr(resp, "\"echo\": []") != NULL || strstr(resp, "\"echo\":[]") != NULL);
        mc_free(resp);
    }
    /* 1 MiB body echoed back. */
    resp = SENT;
    EXPECT(mc_request(c, "/api/big/echo", g_big_body, &resp), MC_STATUS_OK);
    if (resp != SENT && resp) {
        CHECK(strlen(resp) > ONE_MIB);
        mc_free(resp);
    }

    struct {
        const mc_client *client;
        const char *path, *body;
        bool null_out;
        const char *what;
    } cases[] = {
        {NULL, "/api/x", NULL, false, "NULL client"},
        {c, NULL, NULL, false, "NULL path"},
        {c, "", NULL, false, "empty path"},
        {c, BAD_UTF8, NULL, false, "invalid UTF-8 path"},
        {c, "https://127.0.0.1/api/x", NULL, false, "full URL path"},
        {c, "/api/x", "{not json", false, "invalid JSON body"},
        {c, "/api/x", "[1,2]", false, "JSON body that is not an object"},
        {c, "/api/x", "", false, "empty body"},
        {c, "/api/x", "{\"data\":[\"" BAD_UTF8 "\"]}", false, "invalid UTF-8 body"},
        {c, "/api/x", NULL, true, "NULL out"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        resp = SENT;
        mc_status st = mc_request(cases[i].client, cases[i].path, cases[i].body,
                                  cases[i].null_out ? NULL : &resp);
        char what[128];
        snprintf(what, sizeof what, "mc_request %s", cases[i].what);
        expect_(st, MC_STATUS_INVALID_ARGUMENT, what, __FILE__, __LINE__);
        CHECK(resp == SENT);
    }
    /* 1 MiB path: refused locally, or by the server with 414 (HTTP_ERROR), or
       the server closes while the request line is still being written
       (TRANSPORT, seen under valgrind): never a crash, never OK. */
    resp = SENT;
    mc_status st = mc_request(c, g_big_path, NULL, &resp);
    if (st == MC_STATUS_TRANSPORT)
        EXPECT(st, MC_STATUS_TRANSPORT);
    else
        EXPECT2(st, MC_STATUS_INVALID_ARGUMENT, MC_STATUS_HTTP_ERROR);
    CHECK(resp == SENT);
    /* Unknown endpoint outside /api -> 404 from the emulator. */
    resp = SENT;
    EXPECT(mc_request(c, "/not-api/x", NULL, &resp), MC_STATUS_HTTP_ERROR);
    CHECK(mc_last_error_http_status() == 404);
    CHECK(resp == SENT);
    /* Keys that cannot travel in an HTTP header (non-ASCII access key or app id)
       must be refused up front as credentials errors, and must never come back
       in an error message (the Authorization value holds the access key). */
    {
        static const char *const which[] = {"access key", "application id"};
        for (int k = 0; k < 2; k++) {
            mc_client *nc = SENT;
            mc_status s1 = k == 0 ? mc_client_new(g_base, APP_ID, APP_KEY, ACCESS_KEY "\xc3\xa4",
                                                  SECRET_KEY, NULL, &nc)
                                  : mc_client_new(g_base, APP_ID "\xc3\xa4", APP_KEY, ACCESS_KEY,
                                                  SECRET_KEY, NULL, &nc);
            char what[96];
            snprintf(what, sizeof what, "mc_client_new with a non-ASCII %s", which[k]);
            expect_(s1, MC_STATUS_INVALID_CREDENTIALS, what, __FILE__, __LINE__);
            if (s1 == MC_STATUS_OK && nc != SENT) {
                /* Accepted: the request then fails; check how. */
                a = SENT;
                mc_status s2 = mc_get_account(nc, &a);
                snprintf(what, sizeof what, "mc_get_account with a non-ASCII %s", which[k]);
                /* Not a server problem: no request could be sent. */
                expect_(s2, MC_STATUS_INVALID_CREDENTIALS, what, __FILE__, __LINE__);
                if (s2 == MC_STATUS_OK)
                    mc_account_free(a);
                mc_client_free(nc);
            } else {
                CHECK(nc == SENT);
            }
        }
    }
    /* A wrong key is a real 401 from the server. */
    mc_client *bad = SENT;
    EXPECT(mc_client_new(g_base, APP_ID, APP_KEY, ACCESS_KEY, WRONG_SECRET_KEY, NULL, &bad),
           MC_STATUS_OK);
    if (bad != SENT) {
        a = SENT;
        EXPECT(mc_get_account(bad, &a), MC_STATUS_UNAUTHORIZED);
        CHECK_STR(mc_last_error_code(), "err_xdk_invalid_signature");
        CHECK(mc_last_error_http_status() == 401);
        CHECK(a == SENT);
        mc_client_free(bad);
    }
    mc_client_free(c);
}
