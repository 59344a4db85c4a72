/*
 * sign_only.c - use libmimecast only to sign API 1.0 requests, for programs
 * that keep their own HTTP code.
 *
 * Prints a ready-to-run curl command with the four signed headers
 * (Authorization, x-mc-date, x-mc-req-id, x-mc-app-id) plus Content-Type and
 * Accept. The Authorization value contains the access key (that is how the
 * scheme works); the secret key and the application key are used for the
 * signature only and are never printed. A signature is bound to its date and
 * request id: send the request right away, and sign every request afresh.
 *
 * Usage:  sign_only [PATH [JSON_BODY]]
 *         PATH defaults to /api/account/get-account, JSON_BODY to {"data":[]}.
 * Credentials: the MIMECAST_* variables described in get_account.c (API 1.0;
 * API 2.0 clients use bearer tokens and cannot sign: MC_STATUS_UNSUPPORTED).
 *
 * Build: see get_account.c or `make -C examples/c`.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mimecast.h"

/* Prints s inside single quotes for a POSIX shell. */
static void shell_quote(const char *s)
{
    putchar('\'');
    for (; *s; s++) {
        if (*s == '\'')
            fputs("'\\''", stdout);
        else
            putchar(*s);
    }
    putchar('\'');
}

static int fail(const char *what, mc_status status)
{
    fprintf(stderr, "%s failed: %s: %s\n", what, mc_status_name((uint32_t)status),
            mc_last_error_message());
    return 1;
}

int main(int argc, char **argv)
{
    const char *path = argc > 1 ? argv[1] : "/api/account/get-account";
    const char *body = argc > 2 ? argv[2] : "{\"data\":[]}";
    const char *base_url = getenv("MIMECAST_BASE_URL");

    mc_client *client = NULL;
    mc_status status = mc_client_new_from_env(NULL, &client);
    if (status != MC_STATUS_OK)
        return fail("creating the client", status);

    /* NULL date and request id: the current UTC time and a fresh UUID. */
    mc_signed_headers *headers = NULL;
    status = mc_sign(client, path, NULL, NULL, &headers);
    if (status != MC_STATUS_OK) {
        mc_client_free(client);
        return fail("signing", status);
    }

    if (base_url == NULL || strstr(base_url, "://") == NULL)
        fprintf(stderr, "note: MIMECAST_BASE_URL is a region name or unset; replace "
                        "$MIMECAST_BASE_URL below with your https:// base URL\n");

    fputs("curl -sS -X POST ", stdout);
    if (base_url != NULL && strstr(base_url, "://") != NULL) {
        char *url = malloc(strlen(base_url) + strlen(path) + 1);
        if (url == NULL) {
            mc_signed_headers_free(headers);
            mc_client_free(client);
            return 1;
        }
        strcpy(url, base_url);
        size_t n = strlen(url);
        if (n > 0 && url[n - 1] == '/')
            url[n - 1] = '\0';
        strcat(url, path);
        shell_quote(url);
        free(url);
    } else {
        printf("\"$MIMECAST_BASE_URL\"");
        shell_quote(path);
    }
    fputs(" \\\n  -H ", stdout);
    {
        const char *prefix = "Authorization: ";
        char *h = malloc(strlen(prefix) + strlen(headers->authorization) + 1);
        if (h != NULL) {
            strcpy(h, prefix);
            strcat(h, headers->authorization);
            shell_quote(h);
            free(h);
        }
    }
    printf(" \\\n  -H 'x-mc-date: %s'", headers->date);
    printf(" \\\n  -H 'x-mc-req-id: %s'", headers->request_id);
    printf(" \\\n  -H 'x-mc-app-id: %s'", headers->app_id);
    fputs(" \\\n  -H 'Content-Type: application/json' -H 'Accept: application/json'", stdout);
    fputs(" \\\n  --data-binary ", stdout);
    shell_quote(body);
    putchar('\n');

    mc_signed_headers_free(headers);
    mc_client_free(client);
    return 0;
}
