/*
 * tests/c/test_signing.c - mc_sign: the shared signing vectors and the rules around them.
 */
#include "harness.h"

static unsigned char *hex_decode(const char *hex, size_t len)
{
    unsigned char *out = malloc(len / 2 + 1);
    for (size_t i = 0; i + 1 < len + 1 && i / 2 < len / 2; i += 2) {
        char b[3] = {hex[i], hex[i + 1], 0};
        out[i / 2] = (unsigned char)strtoul(b, NULL, 16);
    }
    out[len / 2] = 0;
    return out;
}

/* Splits a TSV line of hex fields into decoded strings (caller frees). */
static int split_hex(char *line, char **fields, int max)
{
    int n = 0;
    char *p = line;
    while (n < max) {
        size_t len = strcspn(p, "\t\r\n");
        if (len > 0)
            fields[n++] = (char *)hex_decode(p, len);
        if (p[len] == '\0')
            break;
        p += len + 1;
    }
    return n;
}

void test_sign_vectors(void)
{
    const char *path = need_env("MC_TEST_VECTORS");
    if (!path)
        return;
    FILE *f = fopen(path, "r");
    CHECK(f != NULL);
    if (!f)
        return;
    char *line = NULL;
    size_t cap = 0;
    int nvec = 0, ninv = 0;
    while (t_read_line(f, &line, &cap)) {
        char *fields[9] = {0};
        if (line[0] == 'V' && line[1] == '\t') {
            int n = split_hex(line + 2, fields, 9);
            CHECK(n == 9);
            if (n == 9) {
                /* name app_id app_key access_key secret_key path date request_id authorization */
                mc_client *c = SENT;
                EXPECT(mc_client_new("eu", fields[1], fields[2], fields[3], fields[4], NULL, &c),
                       MC_STATUS_OK);
                mc_signed_headers *h = SENT;
                EXPECT(mc_sign(c == SENT ? NULL : c, fields[5], fields[6], fields[7], &h),
                       MC_STATUS_OK);
                if (h != SENT && h != NULL) {
                    if (strcmp(h->authorization, fields[8]) != 0)
                        fprintf(stderr, "vector %s\n", fields[0]);
                    CHECK_STR(h->authorization, fields[8]);
                    CHECK_STR(h->date, fields[6]);
                    CHECK_STR(h->request_id, fields[7]);
                    CHECK_STR(h->app_id, fields[1]);
                    mc_signed_headers_free(h);
                }
                if (c != SENT)
                    mc_client_free(c);
                nvec++;
            }
        } else if (line[0] == 'I' && line[1] == '\t') {
            int n = split_hex(line + 2, fields, 3);
            CHECK(n == 3);
            if (n == 3) {
                mc_status want = strcmp(fields[2], "invalid_credentials") == 0
                                     ? MC_STATUS_INVALID_CREDENTIALS
                                     : strcmp(fields[2], "invalid_argument") == 0
                                           ? MC_STATUS_INVALID_ARGUMENT
                                           : MC_STATUS_INTERNAL;
                mc_client *c = SENT;
                mc_status st = mc_client_new("eu", APP_ID, APP_KEY, ACCESS_KEY, fields[1], NULL, &c);
                char what[160];
                snprintf(what, sizeof what, "invalid secret vector %s", fields[0]);
                expect_(st, want, what, __FILE__, __LINE__);
                CHECK(c == SENT);
                if (fields[1][0] != '\0')
                    CHECK(strstr(mc_last_error_message(), fields[1]) == NULL);
                if (st == MC_STATUS_OK && c != SENT)
                    mc_client_free(c);
                ninv++;
            }
        }
        for (int i = 0; i < 9; i++)
            free(fields[i]);
    }
    free(line);
    fclose(f);
    CHECK(nvec >= 14);
    CHECK(ninv >= 6);
    printf("signing vectors: %d valid, %d invalid\n", nvec, ninv);
}

static bool is_uuid_like(const char *s)
{
    if (strlen(s) != 36)
        return false;
    for (int i = 0; i < 36; i++) {
        bool dash = (i == 8 || i == 13 || i == 18 || i == 23);
        if (dash ? s[i] != '-' : !((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f') ||
                                    (s[i] >= 'A' && s[i] <= 'F')))
            return false;
    }
    return true;
}

void test_sign_misc(void)
{
    mc_client *c = client1("eu", NULL);
    if (!c)
        return;
    mc_signed_headers *h1 = SENT, *h2 = SENT;
    EXPECT(mc_sign(c, "/api/account/get-account", NULL, NULL, &h1), MC_STATUS_OK);
    EXPECT(mc_sign(c, "/api/account/get-account", NULL, NULL, &h2), MC_STATUS_OK);
    if (h1 != SENT && h2 != SENT && h1 && h2) {
        size_t dl = strlen(h1->date);
        CHECK(dl > 4 && strcmp(h1->date + dl - 4, " UTC") == 0);
        CHECK(dl == strlen("Tue, 24 Nov 2015 12:50:11 UTC"));
        CHECK(strcmp(h1->request_id, h2->request_id) != 0);
        CHECK(is_uuid_like(h1->request_id));
        CHECK_STR(h1->app_id, APP_ID);
        CHECK(strncmp(h1->authorization, "MC " ACCESS_KEY ":", strlen("MC " ACCESS_KEY ":")) == 0);
        mc_signed_headers_free(h1);
        mc_signed_headers_free(h2);
    }
    /* The known signing bugs are refused: GMT or local-style dates, a query
       string (Mimecast signs the path only). */
    {
        static const char *const bad_dates[] = {
            "Tue, 24 Nov 2015 12:50:11 GMT", "Tue, 24 Nov 2015 12:50:11", "Tue, 4 Nov 2015 12:50:11 UTC",
            "2015-11-24T12:50:11Z"};
        for (size_t i = 0; i < sizeof bad_dates / sizeof bad_dates[0]; i++) {
            mc_signed_headers *bad = SENT;
            EXPECT(mc_sign(c, "/api/x", bad_dates[i], NULL, &bad), MC_STATUS_INVALID_ARGUMENT);
            CHECK(bad == SENT);
        }
        mc_signed_headers *q = SENT;
        EXPECT(mc_sign(c, "/api/x?a=b", NULL, NULL, &q), MC_STATUS_INVALID_ARGUMENT);
        CHECK(strstr(mc_last_error_message(), "query string") != NULL);
    }
    /* Only date or only request id given. */
    mc_signed_headers *h = SENT;
    EXPECT(mc_sign(c, "/api/x", "Tue, 24 Nov 2015 12:50:11 UTC", NULL, &h), MC_STATUS_OK);
    if (h != SENT) {
        CHECK_STR(h->date, "Tue, 24 Nov 2015 12:50:11 UTC");
        CHECK(is_uuid_like(h->request_id));
        mc_signed_headers_free(h);
    }
    h = SENT;
    EXPECT(mc_sign(c, "/api/x", NULL, "my-request-id", &h), MC_STATUS_OK);
    if (h != SENT) {
        CHECK_STR(h->request_id, "my-request-id");
        mc_signed_headers_free(h);
    }

    /* Invalid arguments: output untouched. */
    struct {
        const mc_client *client;
        const char *path, *date, *req;
        bool null_out;
        const char *what;
    } cases[] = {
        {NULL, "/api/x", NULL, NULL, false, "NULL client"},
        {c, NULL, NULL, NULL, false, "NULL path"},
        {c, "", NULL, NULL, false, "empty path"},
        {c, BAD_UTF8, NULL, NULL, false, "invalid UTF-8 path"},
        {c, "/api/" BAD_UTF8, NULL, NULL, false, "invalid UTF-8 in path"},
        {c, "https://eu-api.mimecast.com/api/account/get-account", NULL, NULL, false, "full URL"},
        {c, "/api/x", BAD_UTF8, NULL, false, "invalid UTF-8 date"},
        {c, "/api/x", "", NULL, false, "empty date"},
        {c, "/api/x", NULL, BAD_UTF8, false, "invalid UTF-8 request id"},
        {c, "/api/x", NULL, "", false, "empty request id"},
        {c, "/api/x", NULL, NULL, true, "NULL out"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        h = SENT;
        mc_status st = mc_sign(cases[i].client, cases[i].path, cases[i].date, cases[i].req,
                               cases[i].null_out ? NULL : &h);
        char what[128];
        snprintf(what, sizeof what, "mc_sign %s", cases[i].what);
        expect_(st, MC_STATUS_INVALID_ARGUMENT, what, __FILE__, __LINE__);
        CHECK(h == SENT);
    }
    /* 1 MiB path: either signed or refused, never a crash. */
    h = SENT;
    mc_status st = mc_sign(c, g_big_path, NULL, NULL, &h);
    EXPECT2(st, MC_STATUS_OK, MC_STATUS_INVALID_ARGUMENT);
    if (st == MC_STATUS_OK)
        mc_signed_headers_free(h);
    else
        CHECK(h == SENT);
    mc_client_free(c);
}
