/*
 * tests/c/test_tls.c - HTTPS to the emulator: untrusted without the test CA, trusted with it.
 */
#include "harness.h"

void test_tls(void)
{
    if (!g_tls_base || !g_ca)
        return;
    mc_client *c = client1(g_tls_base, NULL);
    if (c) {
        mc_account *a = SENT;
        EXPECT(mc_get_account(c, &a), MC_STATUS_TLS);
        CHECK(a == SENT);
        mc_client_free(c);
    }
    mc_options *o = mc_options_new();
    EXPECT(mc_options_set_ca_bundle(o, g_ca), MC_STATUS_OK);
    EXPECT(mc_options_set_proxy(o, ""), MC_STATUS_OK);
    c = client1(g_tls_base, o);
    if (c) {
        mc_account *a = SENT;
        EXPECT(mc_get_account(c, &a), MC_STATUS_OK);
        if (a != SENT && a) {
            check_account(a);
            mc_account_free(a);
        }
        char *r = SENT;
        EXPECT(mc_request(c, "/api/x/y", "{\"data\":[{\"k\":1}]}", &r), MC_STATUS_OK);
        if (r != SENT)
            mc_free(r);
        mc_client_free(c);
    }
    mc_options_free(o);

    /* Missing bundle and a file without any certificate: MC_STATUS_IO. */
    const char *bad_bundles[] = {"/nonexistent/dir/ca.pem", getenv("MC_TEST_VECTORS"), "/"};
    for (size_t i = 0; i < 3; i++) {
        if (!bad_bundles[i])
            continue;
        o = mc_options_new();
        EXPECT(mc_options_set_ca_bundle(o, bad_bundles[i]), MC_STATUS_OK);
        c = SENT;
        mc_status st = mc_client_new(g_tls_base, APP_ID, APP_KEY, ACCESS_KEY, SECRET_KEY, o, &c);
        char what[256];
        snprintf(what, sizeof what, "mc_client_new with CA bundle %s", bad_bundles[i]);
        expect_(st, MC_STATUS_IO, what, __FILE__, __LINE__);
        CHECK(c == SENT);
        c = SENT;
        st = mc_client_new_oauth(g_tls_base, CLIENT_ID, CLIENT_SECRET, o, &c);
        expect_(st, MC_STATUS_IO, what, __FILE__, __LINE__);
        CHECK(c == SENT);
        mc_options_free(o);
    }
}
