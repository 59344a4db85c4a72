/*
 * tests/c/harness.c - counting checks, fixtures, the emulator control client
 * and the operating-system calls of the C test suite (see harness.h).
 */
#ifdef _WIN32
#define WIN32_LEAN_AND_MEAN
#include <winsock2.h>
#include <ws2tcpip.h>
#include <windows.h>
#include <direct.h>
#else
#define _POSIX_C_SOURCE 200809L
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <pthread.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#endif

#include "harness.h"

/* Strings (and distinctive fragments) that must never appear in a message. */
static const char *const SECRETS[] = {
    SECRET_KEY, ACCESS_KEY, APP_KEY, CLIENT_SECRET, WRONG_CLIENT_SECRET, WRONG_SECRET_KEY,
    "AAECAwQFBgcICQoL", "mYtOL3XZCOwG96BO", "c2f1c8a0-5d8e", "s3cr3t", "Qz9xK2",
    "V3JvbmdTZWNyZXRLZXla", "ProxyPa55word",
};

char g_sentinel_byte;
const char *g_base, *g_tls_base, *g_proxy_base, *g_proxy_url, *g_ca;
char *g_big, *g_big_path, *g_big_body;
char g_tmpdir[512];
int g_pass, g_fail;

/* ------------------------------------------------------------------ checks */

static t_mutex *g_count_mu;

bool harness_init(void)
{
    g_count_mu = t_mutex_new();
    return t_net_init();
}

void count(bool ok, const char *file, int line, const char *what)
{
    t_mutex_lock(g_count_mu);
    if (ok) {
        g_pass++;
    } else {
        g_fail++;
        fprintf(stderr, "FAIL %s:%d: %s\n", file, line, what);
    }
    t_mutex_unlock(g_count_mu);
}

void check_str_(const char *got, const char *want, const char *file, int line, const char *expr)
{
    bool ok = got != NULL && want != NULL && strcmp(got, want) == 0;
    if (!ok) {
        char buf[512];
        snprintf(buf, sizeof buf, "%s: got \"%.200s\", want \"%.200s\"", expr,
                 got ? got : "(null)", want ? want : "(null)");
        count(false, file, line, buf);
    } else {
        count(true, file, line, expr);
    }
}

bool has_secret(const char *s)
{
    if (s == NULL)
        return false;
    for (size_t i = 0; i < sizeof SECRETS / sizeof SECRETS[0]; i++)
        if (strstr(s, SECRETS[i]) != NULL)
            return true;
    return false;
}

void expect_(mc_status got, mc_status want, const char *expr, const char *file, int line)
{
    char buf[1024];
    mc_status last = mc_last_error_status();
    const char *msg = mc_last_error_message();
    if (got != want) {
        snprintf(buf, sizeof buf, "%s -> %s, want %s (message: %.300s, code: %.80s, http %d)", expr,
                 mc_status_name((uint32_t)got), mc_status_name((uint32_t)want), msg ? msg : "(null)",
                 mc_last_error_code(), (int)mc_last_error_http_status());
        count(false, file, line, buf);
    } else {
        count(true, file, line, expr);
    }
    snprintf(buf, sizeof buf, "%s: mc_last_error_status() == returned status", expr);
    count(last == got, file, line, buf);
    if (got == MC_STATUS_OK) {
        snprintf(buf, sizeof buf, "%s: empty message after success", expr);
        count(msg != NULL && msg[0] == '\0', file, line, buf);
        return;
    }
    snprintf(buf, sizeof buf, "%s: non-empty error message", expr);
    count(msg != NULL && msg[0] != '\0', file, line, buf);
    snprintf(buf, sizeof buf, "%s: no secret in message \"%.300s\"", expr, msg ? msg : "");
    count(!has_secret(msg) && !has_secret(mc_last_error_code()) &&
              !has_secret(mc_last_error_api_message()),
          file, line, buf);
}

/* ------------------------------------------------------------- fixtures */

const char *env_or(const char *name, const char *fallback)
{
    const char *v = getenv(name);
    return (v != NULL && v[0] != '\0') ? v : fallback;
}

const char *need_env(const char *name)
{
    const char *v = getenv(name);
    if (v == NULL || v[0] == '\0') {
        char buf[160];
        snprintf(buf, sizeof buf, "environment variable %s is set", name);
        count(false, __FILE__, __LINE__, buf);
        return NULL;
    }
    return v;
}

char *xstrdup(const char *s)
{
    size_t n = strlen(s) + 1;
    char *p = malloc(n);
    if (p == NULL) {
        perror("malloc");
        exit(2);
    }
    memcpy(p, s, n);
    return p;
}

size_t count_substr(const char *hay, const char *needle)
{
    size_t n = 0;
    for (const char *p = hay; (p = strstr(p, needle)) != NULL; p += strlen(needle))
        n++;
    return n;
}

mc_options *opts_noretry(uint32_t timeout_ms)
{
    mc_options *o = mc_options_new();
    CHECK(o != NULL);
    EXPECT(mc_options_set_retry(o, 0, 1000), MC_STATUS_OK);
    EXPECT(mc_options_set_timeout_ms(o, timeout_ms), MC_STATUS_OK);
    EXPECT(mc_options_set_connect_timeout_ms(o, 3000), MC_STATUS_OK);
    EXPECT(mc_options_set_proxy(o, ""), MC_STATUS_OK);
    return o;
}

mc_client *client1(const char *base, const mc_options *o)
{
    mc_client *c = SENT;
    mc_status st = mc_client_new(base, APP_ID, APP_KEY, ACCESS_KEY, SECRET_KEY, o, &c);
    EXPECT(st, MC_STATUS_OK);
    if (st != MC_STATUS_OK || c == SENT)
        return NULL;
    return c;
}

void check_account(const mc_account *a)
{
    CHECK(a->json != NULL && a->raw_json != NULL);
    if (!a->json || !a->raw_json)
        return;
    CHECK(strstr(a->json, "\"accountCode\"") != NULL);
    CHECK(strstr(a->raw_json, "\"meta\"") != NULL && strstr(a->raw_json, "\"data\"") != NULL);
    CHECK(strstr(a->raw_json, ACCOUNT_NAME_UTF8) != NULL || strstr(a->raw_json, "\\u00e4") != NULL);
    CHECK_STR(a->account_code, "CUSA12A345");
    CHECK_STR(a->account_name, ACCOUNT_NAME_UTF8); /* raw UTF-8 bytes c3 a4 */
    CHECK(a->account_name && (unsigned char)a->account_name[2] == 0xc3 &&
          (unsigned char)a->account_name[3] == 0xa4);
    CHECK_STR(a->admin_email, "it-admin@example.com");
    CHECK_STR(a->database_code, "usterm0412");
    CHECK_STR(a->domain, "cusa12a345.mimecast-customer.com");
    CHECK_STR(a->mail_platform, "office_365");
    CHECK_STR(a->mimecast_id, "01-0412-12345");
    CHECK_STR(a->passphrase, "Ventilator-Harbour-42");
    CHECK_STR(a->region, "us");
    CHECK_STR(a->support_code, "SC7Q9");
    CHECK_STR(a->account_type, "full");
    CHECK(a->max_retention == 2555);
    CHECK(a->user_count == 250);
    CHECK(a->archive == true);
    CHECK(a->automated_segment_purge == false);
    CHECK(a->gateway == true);
    CHECK(a->max_retention_confirmed == true);
    CHECK(a->policy_inheritance == false);
    CHECK(a->packages_len == 7);
    if (a->packages_len == 7 && a->packages) {
        CHECK_STR(a->packages[0], "Mimecast Secure Email Gateway [1072]");
        CHECK_STR(a->packages[6], "Awareness Training [1083]");
    }
}

void get_account_ok(mc_client *c)
{
    mc_account *a = SENT;
    EXPECT(mc_get_account(c, &a), MC_STATUS_OK);
    if (a != SENT && a) {
        CHECK_STR(a->account_name, ACCOUNT_NAME_UTF8);
        mc_account_free(a);
    }
}

char *write_file(const char *name, const char *content)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/%s", g_tmpdir, name);
    FILE *f = fopen(path, "w");
    CHECK(f != NULL);
    if (f) {
        fputs(content, f);
        fclose(f);
    }
    return xstrdup(path);
}

/* ------------------------------------------------- emulator control client */

#ifdef _WIN32
typedef SOCKET t_socket;
#define T_BAD_SOCKET INVALID_SOCKET
#define t_close_socket closesocket
#else
typedef int t_socket;
#define T_BAD_SOCKET (-1)
#define t_close_socket close
#endif

bool t_net_init(void)
{
#ifdef _WIN32
    WSADATA wsa;
    return WSAStartup(MAKEWORD(2, 2), &wsa) == 0;
#else
    return true;
#endif
}

/* Parses "http://host:port" (host ignored: always 127.0.0.1). */
static int url_port(const char *base)
{
    const char *p = strrchr(base, ':');
    if (p == NULL || strncmp(base, "http://", 7) != 0)
        return -1;
    return atoi(p + 1);
}

static bool send_all(t_socket fd, const char *data, size_t len)
{
    while (len > 0) {
        int chunk = len > 65536 ? 65536 : (int)len;
        int n = (int)send(fd, data, chunk, 0);
        if (n <= 0)
            return false;
        data += n;
        len -= (size_t)n;
    }
    return true;
}

int http_raw(const char *base, const char *method, const char *path, const char *body,
             char **body_out)
{
    int port = url_port(base);
    if (body_out)
        *body_out = NULL;
    if (port <= 0)
        return -1;
    t_socket fd = socket(AF_INET, SOCK_STREAM, 0);
    if (fd == T_BAD_SOCKET)
        return -1;
    struct sockaddr_in sa;
    memset(&sa, 0, sizeof sa);
    sa.sin_family = AF_INET;
    sa.sin_port = htons((uint16_t)port);
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (connect(fd, (struct sockaddr *)&sa, sizeof sa) != 0) {
        t_close_socket(fd);
        return -1;
    }
    size_t blen = body ? strlen(body) : 0;
    char head[512];
    int hn = snprintf(head, sizeof head,
                      "%s %s HTTP/1.1\r\nHost: 127.0.0.1:%d\r\nContent-Type: application/json\r\n"
                      "Content-Length: %lu\r\nConnection: close\r\n\r\n",
                      method, path, port, (unsigned long)blen);
    if (!send_all(fd, head, (size_t)hn) || (blen && !send_all(fd, body, blen))) {
        t_close_socket(fd);
        return -1;
    }
    size_t cap = 4096, len = 0;
    char *buf = malloc(cap);
    for (;;) {
        if (len + 1024 > cap) {
            cap *= 2;
            char *nb = realloc(buf, cap);
            if (nb == NULL) {
                free(buf);
                t_close_socket(fd);
                return -1;
            }
            buf = nb;
        }
        int r = (int)recv(fd, buf + len, (int)(cap - len - 1), 0);
#ifndef _WIN32
        if (r < 0 && errno == EINTR)
            continue;
#endif
        if (r <= 0)
            break;
        len += (size_t)r;
    }
    t_close_socket(fd);
    buf[len] = '\0';
    int status = -1;
    if (len > 12 && strncmp(buf, "HTTP/1.", 7) == 0)
        status = atoi(buf + 9);
    char *sep = strstr(buf, "\r\n\r\n");
    if (body_out)
        *body_out = xstrdup(sep ? sep + 4 : "");
    free(buf);
    return status;
}

bool emu_reset(const char *base)
{
    return http_raw(base, "POST", "/_emulator/reset", "{}", NULL) == 200;
}

bool emu_fault(const char *base, const char *json)
{
    int st = http_raw(base, "POST", "/_emulator/faults", json, NULL);
    if (st != 200)
        fprintf(stderr, "cannot queue fault %s: HTTP %d\n", json, st);
    return st == 200;
}

long emu_stat(const char *base, const char *key)
{
    char *body = NULL;
    long v = -1;
    if (http_raw(base, "GET", "/_emulator/stats", NULL, &body) == 200) {
        char pat[96];
        snprintf(pat, sizeof pat, "\"%s\"", key);
        const char *p = strstr(body, pat);
        if (p) {
            p += strlen(pat);
            while (*p == ' ' || *p == ':')
                p++;
            if (strncmp(p, "true", 4) == 0)
                v = 1;
            else if (strncmp(p, "false", 5) == 0)
                v = 0;
            else
                v = strtol(p, NULL, 10);
        }
    }
    free(body);
    return v;
}

int dead_port(void)
{
    t_socket fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in sa;
    socklen_t sl = sizeof sa;
    memset(&sa, 0, sizeof sa);
    sa.sin_family = AF_INET;
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    int port = 1;
    if (fd != T_BAD_SOCKET && bind(fd, (struct sockaddr *)&sa, sizeof sa) == 0 &&
        getsockname(fd, (struct sockaddr *)&sa, &sl) == 0)
        port = ntohs(sa.sin_port);
    if (fd != T_BAD_SOCKET)
        t_close_socket(fd);
    return port;
}

/* ------------------------------------------------- operating system calls */

struct t_thread {
    void (*fn)(void *);
    void *arg;
#ifdef _WIN32
    HANDLE handle;
#else
    pthread_t id;
#endif
};

#ifdef _WIN32
static DWORD WINAPI thread_trampoline(LPVOID p)
{
    t_thread *t = p;
    t->fn(t->arg);
    return 0;
}
#else
static void *thread_trampoline(void *p)
{
    t_thread *t = p;
    t->fn(t->arg);
    return NULL;
}
#endif

t_thread *t_thread_start(void (*fn)(void *), void *arg)
{
    t_thread *t = calloc(1, sizeof *t);
    if (t == NULL)
        return NULL;
    t->fn = fn;
    t->arg = arg;
#ifdef _WIN32
    t->handle = CreateThread(NULL, 0, thread_trampoline, t, 0, NULL);
    if (t->handle == NULL) {
        free(t);
        return NULL;
    }
#else
    if (pthread_create(&t->id, NULL, thread_trampoline, t) != 0) {
        free(t);
        return NULL;
    }
#endif
    return t;
}

void t_thread_join(t_thread *t)
{
    if (t == NULL)
        return;
#ifdef _WIN32
    WaitForSingleObject(t->handle, INFINITE);
    CloseHandle(t->handle);
#else
    pthread_join(t->id, NULL);
#endif
    free(t);
}

struct t_mutex {
#ifdef _WIN32
    CRITICAL_SECTION cs;
#else
    pthread_mutex_t mu;
#endif
};

t_mutex *t_mutex_new(void)
{
    t_mutex *m = calloc(1, sizeof *m);
    if (m == NULL) {
        perror("calloc");
        exit(2);
    }
#ifdef _WIN32
    InitializeCriticalSection(&m->cs);
#else
    pthread_mutex_init(&m->mu, NULL);
#endif
    return m;
}

void t_mutex_free(t_mutex *m)
{
    if (m == NULL)
        return;
#ifdef _WIN32
    DeleteCriticalSection(&m->cs);
#else
    pthread_mutex_destroy(&m->mu);
#endif
    free(m);
}

void t_mutex_lock(t_mutex *m)
{
#ifdef _WIN32
    EnterCriticalSection(&m->cs);
#else
    pthread_mutex_lock(&m->mu);
#endif
}

void t_mutex_unlock(t_mutex *m)
{
#ifdef _WIN32
    LeaveCriticalSection(&m->cs);
#else
    pthread_mutex_unlock(&m->mu);
#endif
}

double t_now(void)
{
#ifdef _WIN32
    LARGE_INTEGER f, c;
    QueryPerformanceFrequency(&f);
    QueryPerformanceCounter(&c);
    return (double)c.QuadPart / (double)f.QuadPart;
#else
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
#endif
}

void t_sleep_ms(long ms)
{
#ifdef _WIN32
    Sleep((DWORD)ms);
#else
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR) {
    }
#endif
}

void t_setenv(const char *name, const char *value)
{
#ifdef _WIN32
    /* Both the C runtime's copy (getenv) and the process environment the
       library reads (GetEnvironmentVariableW). */
    _putenv_s(name, value);
    SetEnvironmentVariableA(name, value);
#else
    setenv(name, value, 1);
#endif
}

void t_unsetenv(const char *name)
{
#ifdef _WIN32
    _putenv_s(name, "");
    SetEnvironmentVariableA(name, NULL);
#else
    unsetenv(name);
#endif
}

void t_setenv_not_unicode(const char *name)
{
#ifdef _WIN32
    wchar_t wname[128];
    MultiByteToWideChar(CP_UTF8, 0, name, -1, wname, 128);
    const wchar_t lone_surrogate[] = {0xD800, 0};
    SetEnvironmentVariableW(wname, lone_surrogate);
#else
    setenv(name, BAD_UTF8, 1);
#endif
}

bool t_read_line(FILE *f, char **buf, size_t *cap)
{
    size_t len = 0;
    if (*buf == NULL || *cap == 0) {
        *cap = 1024;
        *buf = malloc(*cap);
        if (*buf == NULL)
            return false;
    }
    for (;;) {
        if (fgets(*buf + len, (int)(*cap - len), f) == NULL)
            return len > 0;
        len += strlen(*buf + len);
        if (len > 0 && (*buf)[len - 1] == '\n')
            return true;
        if (len + 1 >= *cap) {
            char *nb = realloc(*buf, *cap * 2);
            if (nb == NULL)
                return false;
            *buf = nb;
            *cap *= 2;
        }
    }
}

bool t_make_tmpdir(void)
{
#ifdef _WIN32
    char base[MAX_PATH];
    const char *tmp = getenv("MC_TEST_TMPDIR");
    if (tmp == NULL || tmp[0] == '\0') {
        DWORD n = GetTempPathA(sizeof base, base);
        if (n == 0 || n >= sizeof base)
            return false;
        tmp = base;
    }
    for (int i = 0; i < 100; i++) {
        snprintf(g_tmpdir, sizeof g_tmpdir, "%s/mc_test_%lu_%d", tmp,
                 (unsigned long)GetCurrentProcessId(), i);
        if (_mkdir(g_tmpdir) == 0)
            return true;
    }
    return false;
#else
    snprintf(g_tmpdir, sizeof g_tmpdir, "%s/mc_test_XXXXXX",
             env_or("MC_TEST_TMPDIR", env_or("TMPDIR", "/tmp")));
    return mkdtemp(g_tmpdir) != NULL;
#endif
}

void t_remove_tmpdir(void)
{
#ifdef _WIN32
    _rmdir(g_tmpdir);
#else
    rmdir(g_tmpdir);
#endif
}
