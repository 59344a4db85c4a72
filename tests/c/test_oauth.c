/*
 * tests/c/test_oauth.c - API 2.0 (OAuth client credentials): validation, token reuse and refresh.
 */
#include "harness.h"

void test_oauth(void)
{
    mc_client *c;
    /* Argument validation. */
    const char *bad_values[3] = {NULL, "", BAD_UTF8};
    for (int b = 0; b < 3; b++) {
        c = SENT;
        expect_(mc_client_new_oauth("global", bad_values[b], CLIENT_SECRET, NULL, &c),
                MC_STATUS_INVALID_ARGUMENT, "oauth bad client_id", __FILE__, __LINE__);
        CHECK(c == SENT);
        c = SENT;
        expect_(mc_client_new_oauth("global", CLIENT_ID, bad_values[b], NULL, &c),
                MC_STATUS_INVALID_ARGUMENT, "oauth bad client_secret", __FILE__, __LINE__);
        CHECK(c == SENT);
    }
    /* "" for the optional base URL: the header's empty-string rule or "the default". */
    c = SENT;
    mc_status st0 = mc_client_new_oauth("", CLIENT_ID, CLIENT_SECRET, NULL, &c);
    EXPECT2(st0, MC_STATUS_INVALID_ARGUMENT, MC_STATUS_OK);
    if (st0 == MC_STATUS_OK)
        mc_client_free(c);
    else
        CHECK(c == SENT);
    c = SENT;
    EXPECT(mc_client_new_oauth(BAD_UTF8, CLIENT_ID, CLIENT_SECRET, NULL, &c),
           MC_STATUS_INVALID_ARGUMENT);
    CHECK(c == SENT);
    EXPECT(mc_client_new_oauth("global", CLIENT_ID, CLIENT_SECRET, NULL, NULL),
           MC_STATUS_INVALID_ARGUMENT);
    c = SENT;
    EXPECT(mc_client_new_oauth("ftp://api.services.mimecast.com", CLIENT_ID, CLIENT_SECRET, NULL, &c),
           MC_STATUS_INVALID_URL);
    CHECK(c == SENT);
    c = SENT;
    EXPECT(mc_client_new_oauth("mars", CLIENT_ID, CLIENT_SECRET, NULL, &c), MC_STATUS_INVALID_URL);
    CHECK(c == SENT);
    c = SENT;
    EXPECT(mc_client_new_oauth("http://example.com", CLIENT_ID, CLIENT_SECRET, NULL, &c),
           MC_STATUS_INSECURE_URL);
    CHECK(c == SENT);
    c = SENT;
    EXPECT2(mc_client_new_oauth(g_big, CLIENT_ID, CLIENT_SECRET, NULL, &c), MC_STATUS_INVALID_URL,
            MC_STATUS_INVALID_ARGUMENT);
    CHECK(c == SENT);
    static const char *const regions[] = {NULL, "global", "uk", "us", "https://api.services.mimecast.com"};
    for (size_t i = 0; i < sizeof regions / sizeof regions[0]; i++) {
        c = SENT;
        EXPECT(mc_client_new_oauth(regions[i], CLIENT_ID, CLIENT_SECRET, NULL, &c), MC_STATUS_OK);
        if (c != SENT) {
            /* mc_sign does not apply to API 2.0 clients. */
            mc_signed_headers *h = SENT;
            EXPECT(mc_sign(c, "/api/account/get-account", NULL, NULL, &h), MC_STATUS_UNSUPPORTED);
            CHECK(h == SENT);
            mc_client_free(c);
        }
    }

    if (!g_base)
        return;
    CHECK(emu_reset(g_base));
    long tok0 = emu_stat(g_base, "tokens_issued");
    c = SENT;
    EXPECT(mc_client_new_oauth(g_base, CLIENT_ID, CLIENT_SECRET, NULL, &c), MC_STATUS_OK);
    CHECK(emu_stat(g_base, "tokens_issued") == tok0); /* no request at creation */
    if (c != SENT) {
        for (int i = 0; i < 3; i++) {
            mc_account *a = SENT;
            EXPECT(mc_get_account(c, &a), MC_STATUS_OK);
            if (a != SENT && a) {
                if (i == 0)
                    check_account(a);
                mc_account_free(a);
            }
        }
        CHECK(emu_stat(g_base, "tokens_issued") == tok0 + 1);
        char *page = SENT, *next = SENT;
        EXPECT(mc_request_page(c, "/api/audit/get-audit-events", NULL, 2, NULL, &page, &next),
               MC_STATUS_OK);
        if (page != SENT) {
            mc_free(page);
            mc_free(next);
        }
        /* The server says token_expired once: one re-auth, then success. */
        CHECK(emu_fault(g_base, "{\"fault\":\"token_expired\"}"));
        mc_account *a = SENT;
        EXPECT(mc_get_account(c, &a), MC_STATUS_OK);
        if (a != SENT)
            mc_account_free(a);
        CHECK(emu_stat(g_base, "tokens_issued") == tok0 + 2);
        /* Every token expired on the server side (401 token_expired): refreshed again. */
        CHECK(http_raw(g_base, "POST", "/_emulator/expire-tokens", "{}", NULL) == 200);
        char *r = SENT;
        EXPECT(mc_request(c, "/api/x/y", NULL, &r), MC_STATUS_OK);
        if (r != SENT)
            mc_free(r);
        CHECK(emu_stat(g_base, "tokens_issued") == tok0 + 3);
        /* A token refused twice in a row is not an endless loop. */
        CHECK(emu_fault(g_base, "{\"fault\":\"token_expired\",\"times\":5}"));
        a = SENT;
        mc_status st = mc_get_account(c, &a);
        EXPECT(st, MC_STATUS_UNAUTHORIZED);
        CHECK(a == SENT);
        CHECK(emu_reset(g_base));
        mc_client_free(c);
    }
    /* A short-lived token is refreshed before it expires. (The emulator's
       --token-ttl is not changed here; see the expire-tokens case above.) */

    /* Wrong secret: 401 from the token endpoint, secret not in the message. */
    c = SENT;
    EXPECT(mc_client_new_oauth(g_base, CLIENT_ID, WRONG_CLIENT_SECRET, NULL, &c), MC_STATUS_OK);
    if (c != SENT) {
        mc_account *a = SENT;
        EXPECT(mc_get_account(c, &a), MC_STATUS_UNAUTHORIZED);
        CHECK(a == SENT);
        CHECK(strstr(mc_last_error_message(), WRONG_CLIENT_SECRET) == NULL);
        CHECK(mc_last_error_http_status() == 401);
        mc_client_free(c);
    }
    /* Token endpoint faults surface with their own status. */
    c = SENT;
    mc_options *o = opts_noretry(10000);
    EXPECT(mc_client_new_oauth(g_base, CLIENT_ID, CLIENT_SECRET, o, &c), MC_STATUS_OK);
    if (c != SENT) {
        CHECK(emu_fault(g_base, "{\"fault\":\"server_error\"}"));
        mc_account *a = SENT;
        EXPECT(mc_get_account(c, &a), MC_STATUS_HTTP_ERROR);
        CHECK(a == SENT);
        CHECK(emu_fault(g_base, "{\"fault\":\"malformed\"}"));
        EXPECT(mc_get_account(c, &a), MC_STATUS_MALFORMED_RESPONSE);
        CHECK(a == SENT);
        EXPECT(mc_get_account(c, &a), MC_STATUS_OK); /* recovers */
        if (a != SENT)
            mc_account_free(a);
        mc_client_free(c);
    }
    mc_options_free(o);
}
