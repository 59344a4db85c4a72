/*
 * tests/c/test_credentials.c - clients from the environment, from name/value arrays, from Postman files.
 */
#include "harness.h"

static const char *const ENV_VARS[] = {
    "MIMECAST_BASE_URL", "MIMECAST_APP_ID", "MIMECAST_APP_KEY", "MIMECAST_ACCESS_KEY",
    "MIMECAST_SECRET_KEY", "MIMECAST_CLIENT_ID", "MIMECAST_CLIENT_SECRET",
};

static void clear_mc_env(void)
{
    for (size_t i = 0; i < sizeof ENV_VARS / sizeof ENV_VARS[0]; i++)
        t_unsetenv(ENV_VARS[i]);
}

void test_from_env(void)
{
    if (!g_base)
        return;
    mc_client *c;
    clear_mc_env();
    c = SENT;
    EXPECT(mc_client_new_from_env(NULL, &c), MC_STATUS_INVALID_ARGUMENT);
    CHECK(c == SENT);

    t_setenv("MIMECAST_BASE_URL", g_base);
    t_setenv("MIMECAST_APP_ID", APP_ID);
    t_setenv("MIMECAST_APP_KEY", APP_KEY);
    t_setenv("MIMECAST_ACCESS_KEY", ACCESS_KEY);
    t_setenv("MIMECAST_SECRET_KEY", SECRET_KEY);
    EXPECT(mc_client_new_from_env(NULL, NULL), MC_STATUS_INVALID_ARGUMENT);
    c = SENT;
    EXPECT(mc_client_new_from_env(NULL, &c), MC_STATUS_OK);
    if (c != SENT) {
        get_account_ok(c);
        mc_signed_headers *h = SENT;
        EXPECT(mc_sign(c, "/api/account/get-account", NULL, NULL, &h), MC_STATUS_OK);
        if (h != SENT)
            mc_signed_headers_free(h);
        mc_client_free(c);
    }
    mc_options *o = mc_options_new();
    EXPECT(mc_options_set_timeout_ms(o, 20000), MC_STATUS_OK);
    c = SENT;
    EXPECT(mc_client_new_from_env(o, &c), MC_STATUS_OK);
    if (c != SENT)
        mc_client_free(c);
    mc_options_free(o);

    /* Each missing API 1.0 variable is named in the message. */
    for (size_t i = 0; i < 5; i++) {
        char *saved = xstrdup(getenv(ENV_VARS[i]));
        t_unsetenv(ENV_VARS[i]);
        c = SENT;
        mc_status st = mc_client_new_from_env(NULL, &c);
        char what[128];
        snprintf(what, sizeof what, "mc_client_new_from_env without %s", ENV_VARS[i]);
        expect_(st, MC_STATUS_INVALID_ARGUMENT, what, __FILE__, __LINE__);
        CHECK(strstr(mc_last_error_message(), ENV_VARS[i]) != NULL);
        CHECK(c == SENT);
        t_setenv(ENV_VARS[i], saved);
        free(saved);
    }
    /* A bad value from the environment keeps its status. */
    t_setenv("MIMECAST_SECRET_KEY", "not base64!");
    c = SENT;
    EXPECT(mc_client_new_from_env(NULL, &c), MC_STATUS_INVALID_CREDENTIALS);
    CHECK(c == SENT);
    t_setenv_not_unicode("MIMECAST_SECRET_KEY");
    EXPECT(mc_client_new_from_env(NULL, &c), MC_STATUS_INVALID_ARGUMENT);
    CHECK(c == SENT);
    t_setenv("MIMECAST_SECRET_KEY", SECRET_KEY);

    /* API 2.0 wins when MIMECAST_CLIENT_ID / _SECRET are set. */
    CHECK(emu_reset(g_base));
    t_setenv("MIMECAST_CLIENT_ID", CLIENT_ID);
    t_setenv("MIMECAST_CLIENT_SECRET", CLIENT_SECRET);
    long tok0 = emu_stat(g_base, "tokens_issued");
    c = SENT;
    EXPECT(mc_client_new_from_env(NULL, &c), MC_STATUS_OK);
    if (c != SENT) {
        get_account_ok(c);
        CHECK(emu_stat(g_base, "tokens_issued") == tok0 + 1);
        mc_signed_headers *h = SENT;
        EXPECT(mc_sign(c, "/api/account/get-account", NULL, NULL, &h), MC_STATUS_UNSUPPORTED);
        CHECK(h == SENT);
        mc_client_free(c);
    }
    t_unsetenv("MIMECAST_CLIENT_SECRET");
    c = SENT;
    EXPECT(mc_client_new_from_env(NULL, &c), MC_STATUS_INVALID_ARGUMENT);
    CHECK(strstr(mc_last_error_message(), "MIMECAST_CLIENT_SECRET") != NULL);
    CHECK(c == SENT);
    t_unsetenv("MIMECAST_CLIENT_ID");
    t_setenv("MIMECAST_CLIENT_SECRET", CLIENT_SECRET);
    EXPECT(mc_client_new_from_env(NULL, &c), MC_STATUS_INVALID_ARGUMENT);
    CHECK(strstr(mc_last_error_message(), "MIMECAST_CLIENT_ID") != NULL);
    CHECK(c == SENT);
    clear_mc_env();
}

/* mc_client_new_from_variables: the same rules as the environment, from arrays. */
void test_from_variables(void)
{
    if (!g_base)
        return;
    /* The process environment holds a complete, different set: it must be ignored. */
    clear_mc_env();
    t_setenv("MIMECAST_CLIENT_ID", CLIENT_ID);
    t_setenv("MIMECAST_CLIENT_SECRET", CLIENT_SECRET);

    const char *names[] = {"MIMECAST_BASE_URL", "MIMECAST_APP_ID", "MIMECAST_APP_KEY",
                           "MIMECAST_ACCESS_KEY", "MIMECAST_SECRET_KEY", "UNRELATED_NAME"};
    const char *values[] = {g_base, APP_ID, APP_KEY, ACCESS_KEY, SECRET_KEY, "ignored"};
    mc_client *c = SENT;
    EXPECT(mc_client_new_from_variables(names, values, 6, NULL, &c), MC_STATUS_OK);
    if (c != SENT) {
        get_account_ok(c);
        mc_signed_headers *h = SENT; /* API 1.0 client: signing works */
        EXPECT(mc_sign(c, "/api/account/get-account", NULL, NULL, &h), MC_STATUS_OK);
        if (h != SENT)
            mc_signed_headers_free(h);
        mc_client_free(c);
    }
    mc_options *o = mc_options_new();
    EXPECT(mc_options_set_timeout_ms(o, 20000), MC_STATUS_OK);
    c = SENT;
    EXPECT(mc_client_new_from_variables(names, values, 5, o, &c), MC_STATUS_OK);
    if (c != SENT)
        mc_client_free(c);
    mc_options_free(o);

    /* A NULL value counts as unset: the message names the variable. */
    for (size_t i = 0; i < 5; i++) {
        const char *v2[6];
        memcpy(v2, values, sizeof v2);
        v2[i] = NULL;
        c = SENT;
        mc_status st = mc_client_new_from_variables(names, v2, 6, NULL, &c);
        char what[128];
        snprintf(what, sizeof what, "mc_client_new_from_variables without %s", names[i]);
        expect_(st, MC_STATUS_INVALID_ARGUMENT, what, __FILE__, __LINE__);
        CHECK(strstr(mc_last_error_message(), names[i]) != NULL);
        CHECK(c == SENT);
    }
    /* Nothing given: the process environment is not consulted. */
    c = SENT;
    EXPECT(mc_client_new_from_variables(NULL, NULL, 0, NULL, &c), MC_STATUS_INVALID_ARGUMENT);
    CHECK(c == SENT);
    EXPECT(mc_client_new_from_variables(names, values, 0, NULL, &c), MC_STATUS_INVALID_ARGUMENT);
    CHECK(c == SENT);
    /* NULL arrays, NULL name, bad strings, NULL out. */
    EXPECT(mc_client_new_from_variables(NULL, values, 6, NULL, &c), MC_STATUS_INVALID_ARGUMENT);
    CHECK(c == SENT);
    EXPECT(mc_client_new_from_variables(names, NULL, 6, NULL, &c), MC_STATUS_INVALID_ARGUMENT);
    CHECK(c == SENT);
    EXPECT(mc_client_new_from_variables(names, values, 6, NULL, NULL), MC_STATUS_INVALID_ARGUMENT);
    {
        const char *n2[6], *v2[6];
        memcpy(n2, names, sizeof n2);
        memcpy(v2, values, sizeof v2);
        n2[5] = NULL;
        EXPECT(mc_client_new_from_variables(n2, v2, 6, NULL, &c), MC_STATUS_INVALID_ARGUMENT);
        CHECK(c == SENT);
        n2[5] = BAD_UTF8;
        EXPECT(mc_client_new_from_variables(n2, v2, 6, NULL, &c), MC_STATUS_INVALID_ARGUMENT);
        CHECK(c == SENT);
        n2[5] = "UNRELATED_NAME";
        v2[4] = BAD_UTF8;
        EXPECT(mc_client_new_from_variables(n2, v2, 6, NULL, &c), MC_STATUS_INVALID_ARGUMENT);
        CHECK(c == SENT);
        v2[4] = "";
        EXPECT(mc_client_new_from_variables(n2, v2, 6, NULL, &c), MC_STATUS_INVALID_ARGUMENT);
        CHECK(c == SENT);
        v2[4] = "not base64!";
        EXPECT(mc_client_new_from_variables(n2, v2, 6, NULL, &c), MC_STATUS_INVALID_CREDENTIALS);
        CHECK(c == SENT);
        v2[4] = SECRET_KEY;
        v2[5] = g_big; /* 1 MiB value of an ignored name */
        EXPECT(mc_client_new_from_variables(n2, v2, 6, NULL, &c), MC_STATUS_OK);
        if (c != SENT)
            mc_client_free(c);
    }

    /* API 2.0 pairs. */
    clear_mc_env();
    const char *n3[] = {"MIMECAST_CLIENT_ID", "MIMECAST_CLIENT_SECRET", "MIMECAST_BASE_URL"};
    const char *v3[] = {CLIENT_ID, CLIENT_SECRET, g_base};
    c = SENT;
    EXPECT(mc_client_new_from_variables(n3, v3, 3, NULL, &c), MC_STATUS_OK);
    if (c != SENT) {
        get_account_ok(c);
        mc_signed_headers *h = SENT;
        EXPECT(mc_sign(c, "/api/account/get-account", NULL, NULL, &h), MC_STATUS_UNSUPPORTED);
        CHECK(h == SENT);
        mc_client_free(c);
    }
    v3[1] = NULL;
    c = SENT;
    EXPECT(mc_client_new_from_variables(n3, v3, 3, NULL, &c), MC_STATUS_INVALID_ARGUMENT);
    CHECK(strstr(mc_last_error_message(), "MIMECAST_CLIENT_SECRET") != NULL);
    CHECK(c == SENT);
}

void test_from_postman(void)
{
    if (!g_base)
        return;
    char json[4096];
    snprintf(json, sizeof json,
             "{\"id\":\"5a1f0c2e-0000-4000-8000-000000000001\",\"name\":\"Mimecast Environment\","
             "\"values\":["
             "{\"key\":\"ApplicationID\",\"value\":\"%s\",\"type\":\"default\",\"enabled\":true},"
             "{\"key\":\"ApplicationKey\",\"value\":\"%s\",\"type\":\"secret\",\"enabled\":true},"
             "{\"key\":\"AccessKey\",\"value\":\"%s\",\"type\":\"secret\",\"enabled\":true},"
             "{\"key\":\"SecretKey\",\"value\":\"%s\",\"type\":\"secret\",\"enabled\":true},"
             "{\"key\":\"baseUrl\",\"value\":\"%s\",\"type\":\"default\",\"enabled\":true},"
             "{\"key\":\"SecretKey\",\"value\":\"bm90IHRoaXMgb25l\",\"type\":\"secret\",\"enabled\":false}"
             "],\"_postman_variable_scope\":\"environment\","
             "\"_postman_exported_at\":\"2026-03-01T08:00:00.000Z\"}",
             APP_ID, APP_KEY, ACCESS_KEY, SECRET_KEY, g_base);
    char *good = write_file("mimecast.postman_environment.json", json);
    mc_client *c = SENT;
    EXPECT(mc_client_new_from_postman(good, NULL, &c), MC_STATUS_OK);
    if (c != SENT) {
        get_account_ok(c);
        mc_client_free(c);
    }
    EXPECT(mc_client_new_from_postman(good, NULL, NULL), MC_STATUS_INVALID_ARGUMENT);

    /* Missing key: named in the message. */
    snprintf(json, sizeof json,
             "{\"name\":\"x\",\"values\":["
             "{\"key\":\"ApplicationID\",\"value\":\"%s\",\"enabled\":true},"
             "{\"key\":\"ApplicationKey\",\"value\":\"%s\",\"enabled\":true},"
             "{\"key\":\"SecretKey\",\"value\":\"%s\",\"enabled\":true},"
             "{\"key\":\"baseUrl\",\"value\":\"%s\",\"enabled\":true}],"
             "\"_postman_variable_scope\":\"environment\"}",
             APP_ID, APP_KEY, SECRET_KEY, g_base);
    char *nokey = write_file("nokey.json", json);
    c = SENT;
    EXPECT(mc_client_new_from_postman(nokey, NULL, &c), MC_STATUS_INVALID_ARGUMENT);
    CHECK(strstr(mc_last_error_message(), "AccessKey") != NULL ||
          strstr(mc_last_error_message(), "access") != NULL);
    CHECK(c == SENT);

    /* Not a Postman environment. */
    char *notjson = write_file("garbage.json", "this is not json {");
    c = SENT;
    EXPECT(mc_client_new_from_postman(notjson, NULL, &c), MC_STATUS_INVALID_ARGUMENT);
    CHECK(c == SENT);
    char *array = write_file("array.json", "[1,2,3]");
    EXPECT(mc_client_new_from_postman(array, NULL, &c), MC_STATUS_INVALID_ARGUMENT);
    CHECK(c == SENT);

    /* Missing file, bad path arguments. */
    char missing[1024];
    snprintf(missing, sizeof missing, "%s/does-not-exist.json", g_tmpdir);
    EXPECT(mc_client_new_from_postman(missing, NULL, &c), MC_STATUS_IO);
    CHECK(c == SENT);
    EXPECT(mc_client_new_from_postman(g_tmpdir, NULL, &c), MC_STATUS_IO); /* a directory */
    CHECK(c == SENT);
    EXPECT(mc_client_new_from_postman(NULL, NULL, &c), MC_STATUS_INVALID_ARGUMENT);
    CHECK(c == SENT);
    EXPECT(mc_client_new_from_postman("", NULL, &c), MC_STATUS_INVALID_ARGUMENT);
    CHECK(c == SENT);
    EXPECT(mc_client_new_from_postman(BAD_UTF8, NULL, &c), MC_STATUS_INVALID_ARGUMENT);
    CHECK(c == SENT);
    mc_status st = mc_client_new_from_postman(g_big_path, NULL, &c);
    EXPECT2(st, MC_STATUS_IO, MC_STATUS_INVALID_ARGUMENT);
    CHECK(c == SENT);

    /* API 2.0 in a Postman file. */
    snprintf(json, sizeof json,
             "{\"name\":\"x\",\"values\":["
             "{\"key\":\"client_id\",\"value\":\"%s\",\"enabled\":true},"
             "{\"key\":\"client_secret\",\"value\":\"%s\",\"enabled\":true},"
             "{\"key\":\"baseUrl\",\"value\":\"%s\",\"enabled\":true}],"
             "\"_postman_variable_scope\":\"environment\"}",
             CLIENT_ID, CLIENT_SECRET, g_base);
    char *v2 = write_file("v2.json", json);
    c = SENT;
    EXPECT(mc_client_new_from_postman(v2, NULL, &c), MC_STATUS_OK);
    if (c != SENT) {
        get_account_ok(c);
        mc_client_free(c);
    }

    const char *files[] = {good, nokey, notjson, array, v2};
    for (size_t i = 0; i < 5; i++) {
        remove(files[i]);
        free((void *)files[i]);
    }
}
