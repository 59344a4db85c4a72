/*
 * tests/c/test_paging.c - mc_request_page: every page exactly once, failures, argument checks.
 */
#include "harness.h"

void test_paging(void)
{
    if (!g_base)
        return;
    CHECK(emu_reset(g_base));
    long want_items = strtol(env_or("MC_TEST_PAGE_ITEMS", "7"), NULL, 10);
    mc_client *c = client1(g_base, NULL);
    if (!c)
        return;
    const char *path = "/api/audit/get-audit-events";
    char *token = NULL;
    long items = 0;
    int pages = 0;
    for (;;) {
        char *resp = SENT, *next = SENT;
        mc_status st = mc_request_page(c, path, "{\"data\":[{\"startDateTime\":\"2026-03-01T00:00:00+0000\"}]}",
                                       3, token, &resp, &next);
        EXPECT(st, MC_STATUS_OK);
        mc_free(token);
        token = NULL;
        if (st != MC_STATUS_OK)
            break;
        pages++;
        items += (long)count_substr(resp, "\"auditType\"");
        CHECK(strstr(resp, "\"pagination\"") != NULL);
        mc_free(resp);
        token = next;
        if (token == NULL || pages > 50)
            break;
        CHECK(token[0] != '\0');
    }
    mc_free(token);
    CHECK(items == want_items);
    CHECK(pages == (int)((want_items + 2) / 3));

    /* page_size 0 leaves the server default (25): everything on one page. */
    char *resp = SENT, *next = SENT;
    EXPECT(mc_request_page(c, path, NULL, 0, NULL, &resp, &next), MC_STATUS_OK);
    if (resp != SENT) {
        CHECK((long)count_substr(resp, "\"auditType\"") == (want_items < 25 ? want_items : 25));
        CHECK(want_items > 25 || next == NULL);
        mc_free(resp);
        mc_free(next);
    }

    /* A failure on page 2 is an error, never an empty page. */
    CHECK(emu_fault(g_base, "{\"fault\":\"page_fail\",\"page\":2}"));
    resp = SENT;
    next = SENT;
    EXPECT(mc_request_page(c, path, NULL, 3, NULL, &resp, &next), MC_STATUS_OK);
    if (resp != SENT && next != SENT && next != NULL) {
        mc_free(resp);
        char *resp2 = SENT, *next2 = SENT;
        EXPECT(mc_request_page(c, path, NULL, 3, next, &resp2, &next2), MC_STATUS_API_FAILURE);
        CHECK_STR(mc_last_error_code(), "err_audit_log_incorrect_region");
        CHECK(resp2 == SENT && next2 == SENT);
        mc_free(next);
    }

    /* A token the server does not know: 400. */
    resp = SENT;
    next = SENT;
    EXPECT2(mc_request_page(c, path, NULL, 3, "bogus.token", &resp, &next), MC_STATUS_HTTP_ERROR,
            MC_STATUS_API_FAILURE);
    CHECK(mc_last_error_http_status() == 400);
    CHECK_STR(mc_last_error_code(), "err_invalid_page_token");
    CHECK(resp == SENT && next == SENT);

    /* Argument checks. */
    struct {
        const mc_client *client;
        const char *path, *body, *tok;
        int null_out; /* 1: response, 2: next */
        const char *what;
    } cases[] = {
        {NULL, path, NULL, NULL, 0, "NULL client"},
        {c, NULL, NULL, NULL, 0, "NULL path"},
        {c, "", NULL, NULL, 0, "empty path"},
        {c, BAD_UTF8, NULL, NULL, 0, "invalid UTF-8 path"},
        {c, path, "{oops", NULL, 0, "invalid JSON body"},
        {c, path, "[]", NULL, 0, "non-object body"},
        {c, path, BAD_UTF8, NULL, 0, "invalid UTF-8 body"},
        {c, path, NULL, BAD_UTF8, 0, "invalid UTF-8 page token"},
        {c, path, NULL, NULL, 1, "NULL response_json"},
        {c, path, NULL, NULL, 2, "NULL next_page_token"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        resp = SENT;
        next = SENT;
        mc_status st = mc_request_page(cases[i].client, cases[i].path, cases[i].body, 3, cases[i].tok,
                                       cases[i].null_out == 1 ? NULL : &resp,
                                       cases[i].null_out == 2 ? NULL : &next);
        char what[128];
        snprintf(what, sizeof what, "mc_request_page %s", cases[i].what);
        expect_(st, MC_STATUS_INVALID_ARGUMENT, what, __FILE__, __LINE__);
        CHECK(resp == SENT && next == SENT);
    }
    /* 1 MiB page token / body. */
    resp = SENT;
    next = SENT;
    mc_status st = mc_request_page(c, path, NULL, 3, g_big, &resp, &next);
    EXPECT2(st, MC_STATUS_HTTP_ERROR, MC_STATUS_INVALID_ARGUMENT);
    CHECK(resp == SENT && next == SENT);
    st = mc_request_page(c, "/api/big/echo", g_big_body, 3, NULL, &resp, &next);
    EXPECT(st, MC_STATUS_OK);
    if (st == MC_STATUS_OK) {
        mc_free(resp);
        mc_free(next);
    }
    mc_client_free(c);
}
