/* C side of the libmimecast benchmarks (driven by bench/run.sh).
 *
 *   bench_c sign ITERS REPS        mc_sign (+ mc_signed_headers_free) vs OpenSSL HMAC()
 *   bench_c rt URL ITERS REPS      mc_get_account (+ mc_account_free), keep-alive
 *   bench_c mem-rt URL N1 N2       VmRSS after N1 and N2 mc_get_account calls
 *   bench_c mem-sign N1 N2         VmRSS after N1 and N2 mc_sign calls
 *
 * One JSON line per result on stdout, as the other benchmarks. */
#define _GNU_SOURCE
#define OPENSSL_SUPPRESS_DEPRECATED /* HMAC() and HMAC_CTX: the classic API, still in OpenSSL 3 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "mimecast.h"

static const char *APP_ID = "8a2b4c6d-1111-2222-3333-444455556666";
static const char *APP_KEY = "0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0";
static const char *ACCESS_KEY = "mYtOL3XZCOwG96BOiFTZRmMZWGxC9rxbKz2a8wnm5Sq0GqPqRX9ngf0LqH8B9TjKbmRvW5lWyIg2Ef8s2hfb7";
static const char *SECRET_KEY = "KTOlJxBehyd0JB1BfzT7pODzo3byUZwHbz8Ssjaz+298Gy9171VwGT+fbIW9GKIf3iYfaTDbsI5BxkSUY93twg==";
static const char *DATE = "Tue, 24 Nov 2015 12:50:11 UTC";
static const char *REQ_ID = "5a2a0e0c-5b1b-4c6f-9e0e-3f1b8a7d2c11";
static const char *PATH = "/api/account/get-account";

static volatile uintptr_t sink;

static double now_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

static int cmp_double(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static void emit(const char *id, const char *unit, double *reps, int n, long iters) {
    double s[64];
    memcpy(s, reps, sizeof(double) * (size_t)n);
    qsort(s, (size_t)n, sizeof(double), cmp_double);
    double med = n % 2 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
    printf("{\"id\":\"%s\",\"unit\":\"%s\",\"median\":%.1f,\"reps\":[", id, unit, med);
    for (int i = 0; i < n; i++) printf("%s%.1f", i ? "," : "", reps[i]);
    printf("],\"iters\":%ld}\n", iters);
    fflush(stdout);
}

static void die(const char *what, int st) {
    fprintf(stderr, "%s failed: %s: %s\n", what, mc_status_name((uint32_t)st), mc_last_error_message());
    exit(1);
}

static mc_client *new_client(const char *url) {
    mc_options *o = mc_options_new();
    if (mc_options_set_proxy(o, "") != MC_STATUS_OK) die("mc_options_set_proxy", 1);
    mc_client *c = NULL;
    int st = mc_client_new(url, APP_ID, APP_KEY, ACCESS_KEY, SECRET_KEY, o, &c);
    mc_options_free(o);
    if (st != MC_STATUS_OK) die("mc_client_new", st);
    return c;
}

typedef void (*op_fn)(void *ctx);

static void measure(const char *id, long iters, int reps, op_fn f, void *ctx) {
    double out[64];
    long warm = iters / 10 > 0 ? iters / 10 : 1;
    for (long i = 0; i < warm; i++) f(ctx);
    for (int r = 0; r < reps; r++) {
        double t = now_ns();
        for (long i = 0; i < iters; i++) f(ctx);
        out[r] = (now_ns() - t) / (double)iters;
    }
    emit(id, "ns/op", out, reps, iters);
}

static void op_sign_fixed(void *ctx) {
    mc_signed_headers *h = NULL;
    int st = mc_sign((const mc_client *)ctx, PATH, DATE, REQ_ID, &h);
    if (st != MC_STATUS_OK) die("mc_sign", st);
    sink += (uintptr_t)h->authorization[3];
    mc_signed_headers_free(h);
}

static void op_sign_generated(void *ctx) {
    mc_signed_headers *h = NULL;
    int st = mc_sign((const mc_client *)ctx, PATH, NULL, NULL, &h);
    if (st != MC_STATUS_OK) die("mc_sign", st);
    sink += (uintptr_t)h->authorization[3];
    mc_signed_headers_free(h);
}

struct hmac_ctx {
    unsigned char key[128];
    int key_len;
    char data[256];
    size_t data_len;
};

/* The floor: OpenSSL's one-shot HMAC() over the same bytes, keyed each call. */
static void op_openssl_hmac(void *p) {
    struct hmac_ctx *c = p;
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    HMAC(EVP_sha1(), c->key, c->key_len, (const unsigned char *)c->data, c->data_len, md, &len);
    sink += md[0];
}

/* A stricter floor: one HMAC_CTX keyed once (as the library keys once), reset per call. */
struct hmac_reuse {
    HMAC_CTX *ctx;
    struct hmac_ctx *h;
};

static void op_openssl_hmac_ctx(void *p) {
    struct hmac_reuse *r = p;
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    HMAC_Init_ex(r->ctx, NULL, 0, NULL, NULL);
    HMAC_Update(r->ctx, (const unsigned char *)r->h->data, r->h->data_len);
    HMAC_Final(r->ctx, md, &len);
    sink += md[0];
}

static void op_get_account(void *ctx) {
    mc_account *a = NULL;
    int st = mc_get_account((const mc_client *)ctx, &a);
    if (st != MC_STATUS_OK) die("mc_get_account", st);
    sink += (uintptr_t)a->user_count;
    mc_account_free(a);
}

static long rss_kib(void) {
    FILE *f = fopen("/proc/self/status", "r");
    char line[256];
    long kib = -1;
    while (f && fgets(line, sizeof line, f))
        if (strncmp(line, "VmRSS:", 6) == 0) kib = strtol(line + 6, NULL, 10);
    if (f) fclose(f);
    return kib;
}

static void mem(const char *prefix, op_fn f, void *ctx, long n1, long n2) {
    long before = rss_kib();
    for (long i = 0; i < n1; i++) f(ctx);
    long after1 = rss_kib();
    for (long i = n1; i < n2; i++) f(ctx);
    long after2 = rss_kib();
    printf("{\"id\":\"%s\",\"unit\":\"KiB\",\"rss_start\":%ld,\"rss_n1\":%ld,\"rss_n2\":%ld,\"n1\":%ld,\"n2\":%ld,"
           "\"median\":%ld}\n",
           prefix, before, after1, after2, n1, n2, after2 - after1);
    fflush(stdout);
}

int main(int argc, char **argv) {
    if (argc >= 4 && strcmp(argv[1], "sign") == 0) {
        long iters = atol(argv[2]);
        int reps = atoi(argv[3]);
        mc_client *c = new_client("https://eu-api.mimecast.com");
        measure("c.sign.fixed", iters, reps, op_sign_fixed, c);
        measure("c.sign.generated", iters, reps, op_sign_generated, c);
        struct hmac_ctx h;
        EVP_DecodeBlock(h.key, (const unsigned char *)SECRET_KEY, (int)strlen(SECRET_KEY));
        h.key_len = 64; /* EVP_DecodeBlock counts the padding; the secret is 64 bytes */
        h.data_len = (size_t)snprintf(h.data, sizeof h.data, "%s:%s:%s:%s", DATE, REQ_ID, PATH, APP_KEY);
        measure("c.floor.openssl_hmac", iters, reps, op_openssl_hmac, &h);
        struct hmac_reuse r = {HMAC_CTX_new(), &h};
        HMAC_Init_ex(r.ctx, h.key, h.key_len, EVP_sha1(), NULL);
        measure("c.floor.openssl_hmac_prekeyed", iters, reps, op_openssl_hmac_ctx, &r);
        HMAC_CTX_free(r.ctx);
        mc_client_free(c);
    } else if (argc >= 5 && strcmp(argv[1], "rt") == 0) {
        mc_client *c = new_client(argv[2]);
        measure("c.rt.lib", atol(argv[3]), atoi(argv[4]), op_get_account, c);
        mc_client_free(c);
    } else if (argc >= 5 && strcmp(argv[1], "mem-rt") == 0) {
        mc_client *c = new_client(argv[2]);
        op_get_account(c);
        mem("c.mem.get_account", op_get_account, c, atol(argv[3]), atol(argv[4]));
        mc_client_free(c);
    } else if (argc >= 4 && strcmp(argv[1], "mem-sign") == 0) {
        mc_client *c = new_client("https://eu-api.mimecast.com");
        op_sign_generated(c);
        mem("c.mem.sign", op_sign_generated, c, atol(argv[2]), atol(argv[3]));
        mc_client_free(c);
    } else {
        fprintf(stderr, "usage: bench_c sign ITERS REPS | rt URL ITERS REPS | mem-rt URL N1 N2 | mem-sign N1 N2\n");
        return 2;
    }
    return 0;
}
