/*
 * tests/c/test_proxy.c - explicit and environment proxies, NO_PROXY, proxy credentials.
 */
#include "harness.h"

static void set_proxy_env(const char *value)
{
    static const char *const vars[] = {"HTTPS_PROXY", "https_proxy", "HTTP_PROXY",
                                       "http_proxy", "ALL_PROXY", "all_proxy"};
    for (size_t i = 0; i < sizeof vars / sizeof vars[0]; i++) {
        if (value)
            t_setenv(vars[i], value);
        else
            t_unsetenv(vars[i]);
    }
    t_unsetenv("NO_PROXY");
    t_unsetenv("no_proxy");
}

void test_proxy(void)
{
    if (!g_proxy_base || !g_proxy_url)
        return;
    set_proxy_env(NULL);
    CHECK(emu_reset(g_proxy_base));

    /* Plain http base URL through the proxy: absolute-URI forwarding. */
    mc_options *o = mc_options_new();
    EXPECT(mc_options_set_proxy(o, g_proxy_url), MC_STATUS_OK);
    mc_client *c = client1(g_proxy_base, o);
    if (c) {
        get_account_ok(c);
        long via = emu_stat(g_proxy_base, "proxy_requests") + emu_stat(g_proxy_base, "proxy_tunnels");
        CHECK(via >= 1);
        mc_client_free(c);
    }
    /* https through the proxy: CONNECT, TLS end to end. */
    if (g_tls_base && g_ca) {
        EXPECT(mc_options_set_ca_bundle(o, g_ca), MC_STATUS_OK);
        long t0 = emu_stat(g_proxy_base, "proxy_tunnels");
        c = client1(g_tls_base, o);
        if (c) {
            get_account_ok(c);
            CHECK(emu_stat(g_proxy_base, "proxy_tunnels") == t0 + 1);
            mc_client_free(c);
        }
    }
    mc_options_free(o);

    /* Proxy from the environment (NULL) vs disabled (""). */
    char dead[64];
    snprintf(dead, sizeof dead, "http://127.0.0.1:%d", dead_port());
    set_proxy_env(dead);
    o = opts_noretry(10000); /* sets proxy "" */
    c = client1(g_base, o);
    if (c) {
        get_account_ok(c);
        mc_client_free(c);
    }
    mc_options_free(o);
    if (g_tls_base && g_ca) {
        o = opts_noretry(10000);
        EXPECT(mc_options_set_ca_bundle(o, g_ca), MC_STATUS_OK);
        c = client1(g_tls_base, o);
        if (c) {
            get_account_ok(c);
            mc_client_free(c);
        }
        mc_options_free(o);
    }
    /* ...while the default reads the environment, for targets that are not
       loopback: a loopback target never goes through an environment proxy
       (its keys would leave the machine only to come back). */
    o = opts_noretry(10000);
    EXPECT(mc_options_set_proxy(o, NULL), MC_STATUS_OK);
    c = client1(g_base, o);
    if (c) {
        get_account_ok(c);
        mc_client_free(c);
    }
    /* A remote name (one only the emulator's proxy knows) with the dead
       proxy in the environment fails... */
    EXPECT(mc_options_set_allow_insecure_http(o, true), MC_STATUS_OK);
    char remote[128];
    snprintf(remote, sizeof remote, "http://emulator.mimecast.test:%s",
             strrchr(g_proxy_base, ':') + 1);
    c = client1(remote, o);
    if (c) {
        mc_account *a = SENT;
        EXPECT(mc_get_account(c, &a), MC_STATUS_TRANSPORT);
        CHECK(a == SENT);
        mc_client_free(c);
    }
    /* ...and the working proxy from the environment reaches it. */
    set_proxy_env(g_proxy_url);
    CHECK(emu_reset(g_proxy_base));
    c = client1(remote, o);
    if (c) {
        get_account_ok(c);
        CHECK(emu_stat(g_proxy_base, "proxy_requests") + emu_stat(g_proxy_base, "proxy_tunnels") >= 1);
        mc_client_free(c);
    }
    /* no_proxy skips it: the name cannot be resolved directly. */
    t_setenv("NO_PROXY", "emulator.mimecast.test");
    CHECK(emu_reset(g_proxy_base));
    c = client1(remote, o);
    if (c) {
        mc_account *a = SENT;
        EXPECT(mc_get_account(c, &a), MC_STATUS_TRANSPORT);
        CHECK(a == SENT);
        CHECK(emu_stat(g_proxy_base, "proxy_requests") + emu_stat(g_proxy_base, "proxy_tunnels") == 0);
        mc_client_free(c);
    }
    mc_options_free(o);
    set_proxy_env(NULL);

    /* Proxy credentials are secrets too: not in messages (log lines: see
       test_log_callback, which shares SECRETS). */
    snprintf(dead, sizeof dead, "http://puser:ProxyPa55word@127.0.0.1:%d", dead_port());
    o = opts_noretry(5000);
    EXPECT(mc_options_set_proxy(o, dead), MC_STATUS_OK);
    c = client1(g_base, o);
    if (c) {
        mc_account *a = SENT;
        EXPECT(mc_get_account(c, &a), MC_STATUS_TRANSPORT);
        CHECK(a == SENT);
        mc_client_free(c);
    }
    mc_options_free(o);

    /* A proxy URL that is not http(s): refused by mc_client_new. */
    o = mc_options_new();
    EXPECT(mc_options_set_proxy(o, "not a url"), MC_STATUS_OK);
    c = SENT;
    EXPECT2(mc_client_new(g_base, APP_ID, APP_KEY, ACCESS_KEY, SECRET_KEY, o, &c),
            MC_STATUS_INVALID_URL, MC_STATUS_INVALID_ARGUMENT);
    CHECK(c == SENT);
    mc_options_free(o);
}
