/*
 * tests/c/test_rest.c - general requests through the C ABI: mc_call_*,
 * mc_send, response headers and modes, API 2.0 pages and items, and the
 * caller's mistakes refused before anything is sent.
 */
#include "harness.h"

static mc_client *oauth_client(const mc_options *o)
{
    mc_client *c = NULL;
    EXPECT(mc_client_new_oauth(g_base, CLIENT_ID, CLIENT_SECRET, o, &c), MC_STATUS_OK);
    return c;
}

static void test_send_echo(mc_client *c)
{
    mc_call *call = NULL;
    EXPECT(mc_call_new("put", "/api/v2/echo", &call), MC_STATUS_OK);
    EXPECT(mc_call_add_query(call, "type", "a b&c=d"), MC_STATUS_OK);
    EXPECT(mc_call_add_query(call, "type", "\xc3\xa4"), MC_STATUS_OK);
    EXPECT(mc_call_add_header(call, "X-Custom-Thing", "value 1"), MC_STATUS_OK);
    static const uint8_t bytes[] = {0, 1, 2, 0xff, 'z'};
    EXPECT(mc_call_set_body(call, "application/octet-stream", bytes, sizeof bytes), MC_STATUS_OK);
    mc_response *r = SENT;
    EXPECT(mc_send(c, call, &r), MC_STATUS_OK);
    if (r != SENT && r != NULL) {
        CHECK(r->http_status == 200);
        CHECK(r->body[r->body_len] == '\0');
        const char *b = (const char *)r->body;
        CHECK(strstr(b, "\"method\": \"PUT\"") || strstr(b, "\"method\":\"PUT\""));
        /* The library encodes the query; the emulator shows it raw. */
        CHECK(strstr(b, "type=a%20b%26c%3Dd&type=%C3%A4") || strstr(b, "type=a+b%26c%3Dd&type=%C3%A4"));
        CHECK(strstr(b, "\"x-custom-thing\"") != NULL);
        CHECK(strstr(b, "AAEC/3o=") != NULL); /* base64 of the five bytes */
        CHECK_STR(mc_response_header(r, "CONTENT-TYPE"), "application/json");
        CHECK(mc_response_header(r, "no-such-header") == NULL);
        bool lower = r->headers_len > 0;
        for (size_t i = 0; i < r->headers_len; i++)
            for (const char *p = r->headers[i].name; *p; p++)
                lower = lower && !(*p >= 'A' && *p <= 'Z');
        CHECK(lower);
        mc_response_free(r);
    }
    mc_call_free(call);
}

static void test_modes(mc_client *c)
{
    /* An API 2.0 error: JSON mode fails with the mapped status, RAW mode
       returns it as an answer. */
    mc_call *call = NULL;
    EXPECT(mc_call_new("GET", "/siem/v1/events/cg", &call), MC_STATUS_OK); /* no dates: 400 */
    mc_response *r = SENT;
    EXPECT2(mc_send(c, call, &r), MC_STATUS_API_FAILURE, MC_STATUS_HTTP_ERROR);
    CHECK(r == SENT);
    CHECK(mc_last_error_http_status() == 400);
    EXPECT(mc_call_set_response_mode(call, MC_RESPONSE_MODE_RAW), MC_STATUS_OK);
    EXPECT(mc_send(c, call, &r), MC_STATUS_OK);
    if (r != SENT && r != NULL) {
        CHECK(r->http_status == 400);
        CHECK(strstr((const char *)r->body, "missing_parameter") != NULL);
        mc_response_free(r);
    }
    EXPECT(mc_call_set_response_mode(call, 7), MC_STATUS_INVALID_ARGUMENT);
    mc_call_free(call);
}

static void test_pages_and_items(mc_client *c)
{
    /* The SIEM emulator's event stream: every event once, across pages. */
    char *set = NULL;
    int code = http_raw(g_base, "GET", "/_emulator/siem-events", NULL, &set);
    CHECK(code == 200);
    size_t total = set ? count_substr(set, "\"evt-") : 0;
    free(set);
    CHECK(total > 10);

    mc_call *call = NULL;
    EXPECT(mc_call_new("GET", "/siem/v1/events/cg", &call), MC_STATUS_OK);
    EXPECT(mc_call_add_query(call, "types", "receipt"), MC_STATUS_OK);
    EXPECT(mc_call_add_query(call, "dateRangeStartsAt", "2026-11-30T00:00:00.000Z"), MC_STATUS_OK);
    mc_pager *p = NULL;
    EXPECT(mc_pager_new_call(c, call, 7, &p), MC_STATUS_OK);
    mc_call_free(call); /* copied by the pager */
    size_t items = 0;
    bool ordered = true;
    for (;;) {
        char *item = SENT;
        mc_status st = mc_pager_next_item(p, &item);
        if (st != MC_STATUS_OK) {
            EXPECT(st, MC_STATUS_OK);
            break;
        }
        if (item == NULL)
            break;
        char want[32];
        snprintf(want, sizeof want, "\"evt-%05zu\"", items + 1);
        ordered = ordered && strstr(item, want) != NULL;
        items++;
        mc_free(item);
    }
    CHECK(items == total);
    CHECK(ordered);
    mc_pager_free(p);
}

static void test_mistakes(mc_client *c)
{
    long before = emu_stat(g_base, "requests");
    mc_call *call = SENT;
    EXPECT(mc_call_new("TRACE", "/api/v2/echo", &call), MC_STATUS_INVALID_ARGUMENT);
    CHECK(call == SENT);
    EXPECT(mc_call_new("GET", "/api/v2/echo?x=1", &call), MC_STATUS_INVALID_ARGUMENT);
    EXPECT(mc_call_new("GET", "/api/../oauth/token", &call), MC_STATUS_INVALID_ARGUMENT);
    EXPECT(mc_call_new(NULL, "/api/v2/echo", &call), MC_STATUS_INVALID_ARGUMENT);
    call = NULL;
    EXPECT(mc_call_new("POST", "/api/v2/echo", &call), MC_STATUS_OK);
    EXPECT(mc_call_add_header(call, "Authorization", "Bearer x"), MC_STATUS_INVALID_ARGUMENT);
    EXPECT(mc_call_add_header(call, "x-mc-date", "now"), MC_STATUS_INVALID_ARGUMENT);
    EXPECT(mc_call_add_header(call, "Bad Name", "v"), MC_STATUS_INVALID_ARGUMENT);
    EXPECT(mc_call_add_header(call, "X-Ok", "line\r\nInjected: 1"), MC_STATUS_INVALID_ARGUMENT);
    EXPECT(mc_call_add_query(call, "", "v"), MC_STATUS_INVALID_ARGUMENT);
    EXPECT(mc_call_add_query(call, "a\nb", "v"), MC_STATUS_INVALID_ARGUMENT);
    EXPECT(mc_call_set_json(call, "{\"data\": [1, 2"), MC_STATUS_INVALID_ARGUMENT);
    EXPECT(mc_call_set_body(call, "text/plain", NULL, 5), MC_STATUS_INVALID_ARGUMENT);
    mc_response *r = SENT;
    EXPECT(mc_send(c, NULL, &r), MC_STATUS_INVALID_ARGUMENT);
    EXPECT(mc_send(c, call, NULL), MC_STATUS_INVALID_ARGUMENT);
    CHECK(r == SENT);
    mc_call_free(call);
    CHECK(emu_stat(g_base, "requests") == before); /* nothing was sent */
    mc_response_free(NULL);
    mc_call_free(NULL);
    CHECK(mc_response_header(NULL, "x") == NULL);
}

void test_rest(void)
{
    if (!g_base)
        return;
    CHECK(emu_reset(g_base));
    mc_options *o = opts_noretry(10000);
    mc_client *c = oauth_client(o);
    if (c) {
        test_send_echo(c);
        test_modes(c);
        test_pages_and_items(c);
        test_mistakes(c);
        mc_client_free(c);
    }
    mc_options_free(o);
}
