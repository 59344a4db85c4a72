/*
 * tests/c/harness.h - the small shared harness of the C test suite.
 *
 * The suite is plain C11 with no test framework: every check is counted, the
 * last line printed is "N passed, M failed", and the exit status is non-zero
 * when anything failed. Each tests/c/test_<topic>.c file holds one topic;
 * main.c lists them. It builds for Linux (x86_64 natively, aarch64 under
 * qemu-user) and for Windows (mingw-w64, run under Wine); the few
 * operating-system calls it needs are wrapped here (threads, a mutex,
 * sockets, environment, clock, temporary directory).
 *
 * tests/c/run.sh builds the library, starts the emulators and sets:
 *
 *   MC_TEST_BASE_URL        plain emulator, e.g. http://127.0.0.1:40123
 *   MC_TEST_TLS_BASE_URL    emulator started with --tls (https://localhost:N)
 *   MC_TEST_PROXY_BASE_URL  plain emulator started with --proxy-port
 *   MC_TEST_PROXY_URL       that emulator's proxy (http://127.0.0.1:N)
 *   MC_TEST_CA_BUNDLE       tests/tls/ca.pem
 *   MC_TEST_VECTORS         tests/vectors/signing.json converted by run.sh to
 *                           a TSV whose fields are hex-encoded bytes:
 *                             V name app_id app_key access_key secret_key
 *                               path date request_id authorization
 *                             I name secret_key expected_error
 *   MC_TEST_PAGE_ITEMS      --page-items of the plain emulator (default 7)
 *   MC_TEST_TMPDIR          where temporary files go (default $TMPDIR, /tmp)
 *
 * The keys are the emulator's DEFAULT_KEYS (tests/mimecast_emulator.py).
 * Faults are injected through the emulator's control endpoints with the tiny
 * raw-socket HTTP/1.1 client in harness.c (plain http emulators only).
 *
 * A missing variable makes the tests that need it fail (not skip), so a
 * broken runner cannot produce a green result.
 */
#ifndef MIMECAST_TEST_HARNESS_H
#define MIMECAST_TEST_HARNESS_H

#include "mimecast.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------------------ keys */

#define APP_ID "6f6b3f73-1a2b-4c3d-9e8f-0123456789ab"
#define APP_KEY "c2f1c8a0-5d8e-4f5a-9b7c-abcdef012345"
#define ACCESS_KEY                                                             \
    "mYtOL3XZCOwG96BOiFTZRmMtmBmXMf4ULJMl0iBEPbQk4hgyl5nORmSY3EG8dS5tZEsQqhHdd" \
    "iO6rrDY6EbZ6ao7FxCpDaTw8QCuiRWOV3ldvoHfXPEgPWdiL0MC-7AIwH9OvEc8lXrJeYVO2tmyWA"
#define SECRET_KEY                                                             \
    "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8gISIjJCUmJygpKissLS4vMDEyMzQ1Njc4OTo7PD0+Pw=="
#define CLIENT_ID "emulator-client-id-0001"
#define CLIENT_SECRET "emulator-client-secret-s3cr3t-0001"
#define WRONG_CLIENT_SECRET "wrong-client-secret-Qz9xK2"
#define WRONG_SECRET_KEY "V3JvbmdTZWNyZXRLZXlaWlpaWlo="
#define BAD_UTF8 "\xff\xfe"
#define ACCOUNT_NAME_UTF8 "Ex\xc3\xa4mple Corp Ltd"
#define ONE_MIB (1024u * 1024u)

/* ------------------------------------------------------------------ checks */

void count(bool ok, const char *file, int line, const char *what);
void check_str_(const char *got, const char *want, const char *file, int line, const char *expr);
bool has_secret(const char *s);
void expect_(mc_status got, mc_status want, const char *expr, const char *file, int line);

#define CHECK(cond) count((cond) ? true : false, __FILE__, __LINE__, #cond)
#define CHECK_STR(got, want) check_str_((got), (want), __FILE__, __LINE__, #got)

/*
 * Checks a returned status against the expected one; on failure also that
 * the thread's last-error record agrees, the message is non-empty and no
 * secret shows up in message, code or API message; on success that the
 * record is cleared.
 */
#define EXPECT(expr, want) expect_((expr), (want), #expr, __FILE__, __LINE__)

/* Accept one of two statuses (for cases the header leaves open). */
#define EXPECT2(expr, want1, want2)                                            \
    do {                                                                       \
        mc_status s2_ = (expr);                                                \
        expect_(s2_, s2_ == (want2) ? (want2) : (want1), #expr, __FILE__, __LINE__); \
    } while (0)

/* A distinct address used to pre-set output arguments. */
extern char g_sentinel_byte;
#define SENT ((void *)&g_sentinel_byte)

/* ------------------------------------------------------------- fixtures */

extern const char *g_base, *g_tls_base, *g_proxy_base, *g_proxy_url, *g_ca;
extern char *g_big;      /* 1 MiB of 'a' + NUL */
extern char *g_big_path; /* "/api/" + 1 MiB */
extern char *g_big_body; /* {"data":[{"blob":"<1 MiB>"}]} */
extern char g_tmpdir[512];

const char *env_or(const char *name, const char *fallback);
const char *need_env(const char *name);
char *xstrdup(const char *s);
size_t count_substr(const char *hay, const char *needle);

/* Options with retries disabled and short timeouts, for fault tests. */
mc_options *opts_noretry(uint32_t timeout_ms);
/* An API 1.0 client with the emulator's keys (NULL, and a failed check, on error). */
mc_client *client1(const char *base, const mc_options *o);
/* Checks every typed field of the emulator's account. */
void check_account(const mc_account *a);
/* mc_get_account succeeds and returns the emulator's account name. */
void get_account_ok(mc_client *c);
/* Writes `content` to g_tmpdir/name; returns the malloc'd path. */
char *write_file(const char *name, const char *content);

/* ------------------------------------------------- emulator control client */

/* One HTTP/1.1 request with Connection: close to the emulator at `base`
   (http://127.0.0.1:PORT). Returns the status code (or -1) and a malloc'd
   response body in *body_out. */
int http_raw(const char *base, const char *method, const char *path, const char *body,
             char **body_out);
bool emu_reset(const char *base);
bool emu_fault(const char *base, const char *json);
/* Integer (or boolean as 0/1) stat; -1 when unavailable. */
long emu_stat(const char *base, const char *key);
/* A TCP port on 127.0.0.1 with nothing listening (bound, then closed). */
int dead_port(void);

/* ------------------------------------------------- operating system calls */

typedef struct t_thread t_thread;
/* Starts fn(arg) on a new thread; NULL on failure. */
t_thread *t_thread_start(void (*fn)(void *), void *arg);
/* Waits for the thread and frees it. */
void t_thread_join(t_thread *t);

typedef struct t_mutex t_mutex;
t_mutex *t_mutex_new(void);
void t_mutex_free(t_mutex *m);
void t_mutex_lock(t_mutex *m);
void t_mutex_unlock(t_mutex *m);

/* Seconds on a monotonic clock. */
double t_now(void);
void t_sleep_ms(long ms);

/* Process environment, as the library reads it. */
void t_setenv(const char *name, const char *value);
void t_unsetenv(const char *name);
/* Sets `name` to a value that is not valid Unicode: invalid UTF-8 bytes on
   POSIX; on Windows, whose environment is UTF-16, an unpaired surrogate. */
void t_setenv_not_unicode(const char *name);

/* Reads one line (any length) into *buf; false at end of file. */
bool t_read_line(FILE *f, char **buf, size_t *cap);
/* Creates a fresh temporary directory in g_tmpdir; false on failure. */
bool t_make_tmpdir(void);
void t_remove_tmpdir(void);

/* Sockets to 127.0.0.1 (Winsock needs starting). */
bool t_net_init(void);

/* Sets up the counters and sockets; first call of main(). */
bool harness_init(void);

/* --------------------------------------------------------------- topics */

void test_version_and_status_names(void);
void test_last_error_accessors(void);
void test_free_null(void);
void test_options(void);
void test_client_new_validation(void);
void test_sign_vectors(void);
void test_sign_misc(void);
void test_get_account_and_request(void);
void test_faults(void);
void test_tls(void);
void test_oauth(void);
void test_from_env(void);
void test_from_variables(void);
void test_from_postman(void);
void test_paging(void);
void test_proxy(void);
void test_log_callback(void);
void test_threads(void);
void test_rest(void);
void test_stream(void);
void test_cancel(void);
void test_windows_version_resource(void);
void test_windows_cert_store(void);

extern int g_pass, g_fail;

#endif
