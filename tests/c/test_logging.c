/*
 * tests/c/test_logging.c - the log callback: levels, lines per request, no secret in any line.
 */
#include "harness.h"

typedef struct {
    t_mutex *mu;
    char **lines;
    size_t n, cap;
    int bad_level;
} log_sink;

static void log_cb(void *user_data, mc_log_level level, const char *message)
{
    log_sink *s = user_data;
    t_mutex_lock(s->mu);
    if (level < MC_LOG_LEVEL_ERROR || level > MC_LOG_LEVEL_DEBUG || message == NULL)
        s->bad_level++;
    if (s->n == s->cap) {
        size_t nc = s->cap ? s->cap * 2 : 64;
        char **nl = realloc(s->lines, nc * sizeof *nl);
        if (nl) {
            s->lines = nl;
            s->cap = nc;
        }
    }
    if (s->n < s->cap)
        s->lines[s->n++] = xstrdup(message ? message : "(null)");
    t_mutex_unlock(s->mu);
}

void test_log_callback(void)
{
    if (!g_base)
        return;
    log_sink sink;
    memset(&sink, 0, sizeof sink);
    sink.mu = t_mutex_new();
    mc_options *o = mc_options_new();
    {
        EXPECT(mc_options_set_log_callback(o, log_cb, &sink, 0),
               MC_STATUS_INVALID_ARGUMENT);
        EXPECT(mc_options_set_log_callback(o, log_cb, &sink, 5),
               MC_STATUS_INVALID_ARGUMENT);
        EXPECT(mc_options_set_log_callback(o, log_cb, &sink, 99),
               MC_STATUS_INVALID_ARGUMENT);
    }
    EXPECT(mc_options_set_log_callback(o, log_cb, &sink, MC_LOG_LEVEL_DEBUG), MC_STATUS_OK);
    EXPECT(mc_options_set_proxy(o, ""), MC_STATUS_OK);
    mc_client *c = client1(g_base, o);
    int requests = 0;
    if (c) {
        CHECK(emu_reset(g_base));
        for (int i = 0; i < 3; i++) {
            get_account_ok(c);
            requests++;
        }
        char *r = SENT;
        EXPECT(mc_request(c, "/api/log/test", "{\"data\":[]}", &r), MC_STATUS_OK);
        requests++;
        if (r != SENT)
            mc_free(r);
        CHECK(emu_fault(g_base, "{\"fault\":\"rate_limited\",\"reset_ms\":50}"));
        get_account_ok(c); /* one retry: WARN line */
        requests += 2;
        CHECK(emu_fault(g_base, "{\"fault\":\"unauthorized\"}"));
        mc_account *a = SENT;
        EXPECT(mc_get_account(c, &a), MC_STATUS_UNAUTHORIZED);
        requests++;
        mc_client_free(c);
    }
    /* A key the HTTP layer rejects: its ERROR line must not quote the header. */
    c = SENT;
    if (mc_client_new(g_base, APP_ID, APP_KEY, ACCESS_KEY "\xc3\xa4", SECRET_KEY, o, &c) ==
            MC_STATUS_OK &&
        c != SENT) {
        mc_account *a = SENT;
        mc_status st = mc_get_account(c, &a);
        CHECK(st != MC_STATUS_OK);
        if (st == MC_STATUS_OK)
            mc_account_free(a);
        mc_client_free(c);
    }
    mc_options_free(o);

    /* A proxy with credentials (DEBUG logs the proxy choice). */
    if (g_proxy_url && strncmp(g_proxy_url, "http://", 7) == 0) {
        char purl[256];
        snprintf(purl, sizeof purl, "http://puser:ProxyPa55word@%s", g_proxy_url + 7);
        o = mc_options_new();
        EXPECT(mc_options_set_log_callback(o, log_cb, &sink, MC_LOG_LEVEL_DEBUG), MC_STATUS_OK);
        EXPECT(mc_options_set_proxy(o, purl), MC_STATUS_OK);
        c = client1(g_proxy_base, o);
        if (c) {
            get_account_ok(c);
            requests++;
            mc_client_free(c);
        }
        mc_options_free(o);
    }

    /* API 2.0: token fetch lines must not carry the secret or the token. */
    o = mc_options_new();
    EXPECT(mc_options_set_log_callback(o, log_cb, &sink, MC_LOG_LEVEL_DEBUG), MC_STATUS_OK);
    c = SENT;
    EXPECT(mc_client_new_oauth(g_base, CLIENT_ID, CLIENT_SECRET, o, &c), MC_STATUS_OK);
    if (c != SENT) {
        get_account_ok(c);
        requests += 2;
        mc_client_free(c);
    }
    mc_options_free(o);

    t_mutex_lock(sink.mu);
    CHECK(sink.bad_level == 0);
    CHECK(sink.n >= (size_t)requests);
    size_t leaks = 0;
    for (size_t i = 0; i < sink.n; i++) {
        if (has_secret(sink.lines[i]) || strstr(sink.lines[i], "Bearer ") != NULL) {
            fprintf(stderr, "secret in log line: %s\n", sink.lines[i]);
            leaks++;
        }
        if (getenv("MC_TEST_VERBOSE"))
            printf("log: %s\n", sink.lines[i]);
    }
    CHECK(leaks == 0);
    printf("log callback: %zu lines for %d HTTP requests\n", sink.n, requests);
    for (size_t i = 0; i < sink.n; i++)
        free(sink.lines[i]);
    free(sink.lines);
    t_mutex_unlock(sink.mu);
    t_mutex_free(sink.mu);

    /* Logging off again. */
    o = mc_options_new();
    EXPECT(mc_options_set_log_callback(o, log_cb, &sink, MC_LOG_LEVEL_INFO), MC_STATUS_OK);
    EXPECT(mc_options_set_log_callback(o, NULL, NULL, MC_LOG_LEVEL_INFO), MC_STATUS_OK);
    mc_options_free(o);
}
