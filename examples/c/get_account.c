/*
 * get_account.c - call Mimecast's Get Account endpoint with libmimecast.
 *
 * The C counterpart of Mimecast's published "Get Account" sample code. The
 * library builds the signed headers (x-mc-date, x-mc-req-id, x-mc-app-id,
 * Authorization: MC access_key:signature), sends the POST, checks HTTP status
 * and the `fail` array, and parses the account.
 *
 * Credentials come from the environment (never hard-code them):
 *
 *   API 1.0:  MIMECAST_BASE_URL   https://eu-api.mimecast.com, or a region
 *                                 name: eu de us usb uspcom ca za au offshore
 *             MIMECAST_APP_ID     Application ID
 *             MIMECAST_APP_KEY    Application Key
 *             MIMECAST_ACCESS_KEY Access Key
 *             MIMECAST_SECRET_KEY Secret Key (base64, as shown in the console)
 *   API 2.0:  MIMECAST_CLIENT_ID and MIMECAST_CLIENT_SECRET
 *             (MIMECAST_BASE_URL optional: global, uk, us or an https URL)
 *
 * Build (from the repository root, after `cargo build --release`):
 *
 *   cc -std=c11 -Wall -Wextra -Wpedantic -Iinclude examples/c/get_account.c \
 *      -Ltarget/release -lmimecast -Wl,-rpath,$PWD/target/release -o get_account
 *
 * or `make -C examples/c`. Exit status: 0 on success, 1 on any error.
 */
#include <inttypes.h>
#include <stdio.h>

#include "mimecast.h"

/* Prints what went wrong, with Mimecast's own code and message when there is one. */
static void report(const char *what, mc_status status)
{
    fprintf(stderr, "%s failed: %s: %s\n", what, mc_status_name((uint32_t)status),
            mc_last_error_message());
    if (mc_last_error_code()[0] != '\0')
        fprintf(stderr, "  Mimecast error code: %s (%s)\n", mc_last_error_code(),
                mc_last_error_api_message());
    if (mc_last_error_http_status() != 0)
        fprintf(stderr, "  HTTP status: %d\n", (int)mc_last_error_http_status());
    if (status == MC_STATUS_RATE_LIMITED && mc_last_error_retry_after_ms() >= 0)
        fprintf(stderr, "  retry after %" PRId64 " ms\n", mc_last_error_retry_after_ms());
    if (status == MC_STATUS_BINDING_EXPIRED)
        fprintf(stderr, "  The access key / secret key binding expired: create new keys.\n");
}

static const char *or_dash(const char *s)
{
    return s != NULL ? s : "-";
}

static const char *yes_no(bool b)
{
    return b ? "yes" : "no";
}

int main(void)
{
    mc_client *client = NULL;
    mc_status status = mc_client_new_from_env(NULL, &client);
    if (status != MC_STATUS_OK) {
        report("creating the client", status);
        return 1;
    }

    mc_account *account = NULL;
    status = mc_get_account(client, &account);
    if (status != MC_STATUS_OK) {
        report("Get Account", status);
        mc_client_free(client);
        return 1;
    }

    /* The passphrase is a support-verification secret: deliberately not printed. */
    printf("Account name:      %s\n", or_dash(account->account_name));
    printf("Account code:      %s\n", or_dash(account->account_code));
    printf("Account type:      %s\n", or_dash(account->account_type));
    printf("Mimecast ID:       %s\n", or_dash(account->mimecast_id));
    printf("Region:            %s\n", or_dash(account->region));
    printf("Admin email:       %s\n", or_dash(account->admin_email));
    printf("Domain:            %s\n", or_dash(account->domain));
    printf("Database code:     %s\n", or_dash(account->database_code));
    printf("Support code:      %s\n", or_dash(account->support_code));
    printf("Mail platform:     %s\n", or_dash(account->mail_platform));
    if (account->user_count >= 0)
        printf("User licences:     %" PRId64 "\n", account->user_count);
    if (account->max_retention >= 0)
        printf("Max retention:     %" PRId64 " days (confirmed: %s)\n", account->max_retention,
               yes_no(account->max_retention_confirmed));
    printf("Archive:           %s\n", yes_no(account->archive));
    printf("Gateway:           %s\n", yes_no(account->gateway));
    printf("Segment purge:     %s\n", yes_no(account->automated_segment_purge));
    printf("Policy inheritance:%s\n", account->policy_inheritance ? " yes" : " no");
    printf("Packages (%zu):\n", account->packages_len);
    for (size_t i = 0; i < account->packages_len; i++)
        printf("  - %s\n", account->packages[i]);

    mc_account_free(account);
    mc_client_free(client);
    return 0;
}
