/* A well-made Get Account client in plain C, the baseline the library's
 * round trip is held against (issue 14): one libcurl easy handle reused
 * (keep-alive), OpenSSL HMAC-SHA1 over the documented string to sign,
 * cJSON for the envelope and the account fields. What a careful C
 * programmer would write by hand; it checks less than the library does.
 *
 *   curl_client rt URL ITERS REPS   one JSON line, as the other benchmarks
 */
#define _GNU_SOURCE
#define OPENSSL_SUPPRESS_DEPRECATED
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cjson/cJSON.h>
#include <curl/curl.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>

static const char *APP_ID = "8a2b4c6d-1111-2222-3333-444455556666";
static const char *APP_KEY = "0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0";
static const char *ACCESS_KEY = "mYtOL3XZCOwG96BOiFTZRmMZWGxC9rxbKz2a8wnm5Sq0GqPqRX9ngf0LqH8B9TjKbmRvW5lWyIg2Ef8s2hfb7";
static const char *SECRET_KEY = "KTOlJxBehyd0JB1BfzT7pODzo3byUZwHbz8Ssjaz+298Gy9171VwGT+fbIW9GKIf3iYfaTDbsI5BxkSUY93twg==";
static const char *PATH = "/api/account/get-account";

struct buffer {
    char *data;
    size_t len, cap;
};

static size_t on_body(char *ptr, size_t size, size_t n, void *user) {
    struct buffer *b = user;
    size_t add = size * n;
    if (b->len + add + 1 > b->cap) {
        b->cap = (b->len + add + 1) * 2;
        b->data = realloc(b->data, b->cap);
        if (!b->data) return 0;
    }
    memcpy(b->data + b->len, ptr, add);
    b->len += add;
    b->data[b->len] = '\0';
    return add;
}

struct client {
    CURL *curl;
    char url[512];
    unsigned char secret[128];
    int secret_len;
    struct buffer body;
};

static void die(const char *what) {
    fprintf(stderr, "curl_client: %s\n", what);
    exit(1);
}

static void uuid4(char out[37]) {
    unsigned char b[16];
    if (RAND_bytes(b, sizeof b) != 1) die("RAND_bytes");
    b[6] = (unsigned char)((b[6] & 0x0f) | 0x40);
    b[8] = (unsigned char)((b[8] & 0x3f) | 0x80);
    snprintf(out, 37, "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x", b[0], b[1], b[2], b[3], b[4],
             b[5], b[6], b[7], b[8], b[9], b[10], b[11], b[12], b[13], b[14], b[15]);
}

/* Signs, posts, checks HTTP status and `fail`, reads the account's fields. */
static int get_account(struct client *c, long *user_count) {
    char date[64], req_id[37], to_sign[512], auth[512], sig_b64[64];
    time_t now = time(NULL);
    struct tm tm;
    gmtime_r(&now, &tm);
    strftime(date, sizeof date, "%a, %d %b %Y %H:%M:%S UTC", &tm);
    uuid4(req_id);
    int n = snprintf(to_sign, sizeof to_sign, "%s:%s:%s:%s", date, req_id, PATH, APP_KEY);
    unsigned char mac[EVP_MAX_MD_SIZE];
    unsigned int mac_len = 0;
    HMAC(EVP_sha1(), c->secret, c->secret_len, (unsigned char *)to_sign, (size_t)n, mac, &mac_len);
    EVP_EncodeBlock((unsigned char *)sig_b64, mac, (int)mac_len);
    snprintf(auth, sizeof auth, "Authorization: MC %s:%s", ACCESS_KEY, sig_b64);
    char h_date[96], h_req[80], h_app[80];
    snprintf(h_date, sizeof h_date, "x-mc-date: %s", date);
    snprintf(h_req, sizeof h_req, "x-mc-req-id: %s", req_id);
    snprintf(h_app, sizeof h_app, "x-mc-app-id: %s", APP_ID);
    struct curl_slist *headers = NULL;
    headers = curl_slist_append(headers, auth);
    headers = curl_slist_append(headers, h_date);
    headers = curl_slist_append(headers, h_req);
    headers = curl_slist_append(headers, h_app);
    headers = curl_slist_append(headers, "Content-Type: application/json");
    headers = curl_slist_append(headers, "Accept: application/json");
    c->body.len = 0;
    curl_easy_setopt(c->curl, CURLOPT_HTTPHEADER, headers);
    CURLcode rc = curl_easy_perform(c->curl);
    curl_slist_free_all(headers);
    if (rc != CURLE_OK) return -1;
    long status = 0;
    curl_easy_getinfo(c->curl, CURLINFO_RESPONSE_CODE, &status);
    if (status != 200) return -1;
    cJSON *root = cJSON_ParseWithLength(c->body.data, c->body.len);
    if (!root) return -1;
    int ok = -1;
    cJSON *fail = cJSON_GetObjectItemCaseSensitive(root, "fail");
    cJSON *data = cJSON_GetObjectItemCaseSensitive(root, "data");
    if ((!fail || cJSON_GetArraySize(fail) == 0) && cJSON_IsArray(data) && cJSON_GetArraySize(data) > 0) {
        cJSON *a = cJSON_GetArrayItem(data, 0);
        cJSON *name = cJSON_GetObjectItemCaseSensitive(a, "accountName");
        cJSON *users = cJSON_GetObjectItemCaseSensitive(a, "userCount");
        if (cJSON_IsString(name) && cJSON_IsNumber(users)) {
            *user_count = (long)users->valuedouble;
            ok = 0;
        }
    }
    cJSON_Delete(root);
    return ok;
}

static double now_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

static int cmp_double(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

int main(int argc, char **argv) {
    if (argc < 5 || strcmp(argv[1], "rt") != 0) {
        fprintf(stderr, "usage: curl_client rt URL ITERS REPS\n");
        return 2;
    }
    long iters = atol(argv[3]);
    int reps = atoi(argv[4]);
    if (reps < 1 || reps > 64) die("REPS must be 1..64");
    curl_global_init(CURL_GLOBAL_DEFAULT);
    struct client c = {0};
    c.curl = curl_easy_init();
    if (!c.curl) die("curl_easy_init");
    snprintf(c.url, sizeof c.url, "%s%s", argv[2], PATH);
    c.secret_len = EVP_DecodeBlock(c.secret, (const unsigned char *)SECRET_KEY, (int)strlen(SECRET_KEY));
    size_t klen = strlen(SECRET_KEY);
    if (klen >= 2 && SECRET_KEY[klen - 1] == '=') c.secret_len -= SECRET_KEY[klen - 2] == '=' ? 2 : 1;
    curl_easy_setopt(c.curl, CURLOPT_URL, c.url);
    curl_easy_setopt(c.curl, CURLOPT_POSTFIELDS, "{\"data\":[]}");
    curl_easy_setopt(c.curl, CURLOPT_POSTFIELDSIZE, 11L);
    curl_easy_setopt(c.curl, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(c.curl, CURLOPT_WRITEDATA, &c.body);
    curl_easy_setopt(c.curl, CURLOPT_TCP_NODELAY, 1L);
    curl_easy_setopt(c.curl, CURLOPT_TIMEOUT_MS, 60000L);
    curl_easy_setopt(c.curl, CURLOPT_NOSIGNAL, 1L);
    long users = 0;
    for (int i = 0; i < 200; i++)
        if (get_account(&c, &users) != 0) die("warm-up request failed");
    double r[64];
    for (int k = 0; k < reps; k++) {
        double t0 = now_ns();
        for (long i = 0; i < iters; i++)
            if (get_account(&c, &users) != 0) die("request failed");
        r[k] = (now_ns() - t0) / (double)iters;
    }
    double s[64];
    memcpy(s, r, sizeof(double) * (size_t)reps);
    qsort(s, (size_t)reps, sizeof(double), cmp_double);
    double med = reps % 2 ? s[reps / 2] : (s[reps / 2 - 1] + s[reps / 2]) / 2;
    printf("{\"id\":\"c.curl.rt\",\"unit\":\"ns/op\",\"median\":%.1f,\"reps\":[", med);
    for (int i = 0; i < reps; i++) printf("%s%.1f", i ? "," : "", r[i]);
    printf("],\"iters\":%ld}\n", iters);
    curl_easy_cleanup(c.curl);
    curl_global_cleanup();
    free(c.body.data);
    return 0;
}
