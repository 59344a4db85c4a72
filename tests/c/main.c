/*
 * tests/c/main.c - runs the C test suite's topics in order (see harness.h).
 *
 * MC_TEST_ONLY=name[,name...] runs only the topics whose names it contains.
 */
#include "harness.h"

static const struct {
    const char *name;
    void (*fn)(void);
} TOPICS[] = {
    {"version_and_status_names", test_version_and_status_names},
    {"last_error_accessors", test_last_error_accessors},
    {"free_null", test_free_null},
    {"options", test_options},
    {"client_new_validation", test_client_new_validation},
    {"sign_vectors", test_sign_vectors},
    {"sign_misc", test_sign_misc},
    {"get_account_and_request", test_get_account_and_request},
    {"faults", test_faults},
    {"tls", test_tls},
    {"oauth", test_oauth},
    {"from_env", test_from_env},
    {"from_variables", test_from_variables},
    {"from_postman", test_from_postman},
    {"paging", test_paging},
    {"proxy", test_proxy},
    {"log_callback", test_log_callback},
    {"threads", test_threads},
    {"rest", test_rest},
    {"stream", test_stream},
    {"cancel", test_cancel},
    {"windows_version_resource", test_windows_version_resource},
    {"windows_cert_store", test_windows_cert_store},
};

static char *copy_env(const char *name)
{
    const char *v = need_env(name);
    return v ? xstrdup(v) : NULL;
}

int main(void)
{
    setvbuf(stdout, NULL, _IOLBF, 0);
    if (!harness_init()) {
        fprintf(stderr, "cannot initialise the test harness (sockets)\n");
        return 2;
    }
    /* Copies: the tests change the environment, which may move the strings
       getenv() returned (it does on Windows). */
    g_base = copy_env("MC_TEST_BASE_URL");
    g_tls_base = copy_env("MC_TEST_TLS_BASE_URL");
    g_proxy_base = copy_env("MC_TEST_PROXY_BASE_URL");
    g_proxy_url = copy_env("MC_TEST_PROXY_URL");
    g_ca = copy_env("MC_TEST_CA_BUNDLE");

    g_big = malloc(ONE_MIB + 1);
    memset(g_big, 'a', ONE_MIB);
    g_big[ONE_MIB] = '\0';
    g_big_path = malloc(ONE_MIB + 6);
    memcpy(g_big_path, "/api/", 5);
    memcpy(g_big_path + 5, g_big, ONE_MIB + 1);
    g_big_body = malloc(ONE_MIB + 64);
    snprintf(g_big_body, ONE_MIB + 64, "{\"data\":[{\"blob\":\"%s\"}]}", g_big);

    if (!t_make_tmpdir()) {
        perror("cannot create a temporary directory");
        return 2;
    }

    const char *only = getenv("MC_TEST_ONLY");
    for (size_t i = 0; i < sizeof TOPICS / sizeof TOPICS[0]; i++) {
        if (only && strstr(only, TOPICS[i].name) == NULL)
            continue;
        int p0 = g_pass, f0 = g_fail;
        double t0 = t_now();
        TOPICS[i].fn();
        const char *verdict = g_fail != f0 ? "FAILED" : g_pass != p0 ? "ok" : "not applicable here";
        printf("%-28s %s (%.1f s)\n", TOPICS[i].name, verdict, t_now() - t0);
    }

    t_remove_tmpdir();
    free(g_big);
    free(g_big_path);
    free(g_big_body);
    const char *copies[] = {g_base, g_tls_base, g_proxy_base, g_proxy_url, g_ca};
    for (size_t i = 0; i < sizeof copies / sizeof copies[0]; i++)
        free((void *)copies[i]);
    printf("%d passed, %d failed\n", g_pass, g_fail);
    return g_fail == 0 ? 0 : 1;
}
