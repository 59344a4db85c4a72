/*
 * tests/c/test_basics.c - version macros, status names, last-error accessors, free(NULL).
 */
#include "harness.h"

void test_version_and_status_names(void)
{
    CHECK_STR(mc_version(), MIMECAST_VERSION);
    char v[32];
    snprintf(v, sizeof v, "%d.%d.%d", MIMECAST_VERSION_MAJOR, MIMECAST_VERSION_MINOR,
             MIMECAST_VERSION_PATCH);
    CHECK_STR(mc_version(), v);

    static const char *const names[] = {
        "MC_STATUS_OK", "MC_STATUS_INVALID_ARGUMENT", "MC_STATUS_INVALID_CREDENTIALS",
        "MC_STATUS_INVALID_URL", "MC_STATUS_INSECURE_URL", "MC_STATUS_TRANSPORT", "MC_STATUS_TLS",
        "MC_STATUS_TIMEOUT", "MC_STATUS_UNAUTHORIZED", "MC_STATUS_BINDING_EXPIRED",
        "MC_STATUS_RATE_LIMITED", "MC_STATUS_API_FAILURE", "MC_STATUS_HTTP_ERROR",
        "MC_STATUS_MALFORMED_RESPONSE", "MC_STATUS_RESPONSE_TOO_LARGE", "MC_STATUS_INTERNAL",
        "MC_STATUS_UNSUPPORTED", "MC_STATUS_IO", "MC_STATUS_CANCELLED",
        "MC_STATUS_CHECKPOINT",
    };
    static const mc_status values[] = {
        MC_STATUS_OK, MC_STATUS_INVALID_ARGUMENT, MC_STATUS_INVALID_CREDENTIALS,
        MC_STATUS_INVALID_URL, MC_STATUS_INSECURE_URL, MC_STATUS_TRANSPORT, MC_STATUS_TLS,
        MC_STATUS_TIMEOUT, MC_STATUS_UNAUTHORIZED, MC_STATUS_BINDING_EXPIRED,
        MC_STATUS_RATE_LIMITED, MC_STATUS_API_FAILURE, MC_STATUS_HTTP_ERROR,
        MC_STATUS_MALFORMED_RESPONSE, MC_STATUS_RESPONSE_TOO_LARGE, MC_STATUS_INTERNAL,
        MC_STATUS_UNSUPPORTED, MC_STATUS_IO, MC_STATUS_CANCELLED,
        MC_STATUS_CHECKPOINT,
    };
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        CHECK((uint32_t)values[i] == (uint32_t)i); /* ABI values are stable */
        CHECK_STR(mc_status_name((uint32_t)values[i]), names[i]);
    }
    CHECK_STR(mc_status_name(20), "MC_STATUS_UNKNOWN");
    CHECK_STR(mc_status_name(1000), "MC_STATUS_UNKNOWN");
    CHECK_STR(mc_status_name(UINT32_MAX), "MC_STATUS_UNKNOWN");
}

void test_last_error_accessors(void)
{
    /* Fresh thread state / after a success: everything neutral. */
    mc_options *o = mc_options_new();
    EXPECT(mc_options_set_timeout_ms(o, 5000), MC_STATUS_OK);
    CHECK_STR(mc_last_error_message(), "");
    CHECK_STR(mc_last_error_code(), "");
    CHECK_STR(mc_last_error_api_message(), "");
    CHECK(mc_last_error_http_status() == 0);
    CHECK(mc_last_error_retry_after_ms() == -1);
    /* A failure fills the record; the next success clears it. */
    EXPECT(mc_options_set_timeout_ms(o, 0), MC_STATUS_INVALID_ARGUMENT);
    CHECK(mc_last_error_http_status() == 0);
    CHECK(mc_last_error_retry_after_ms() == -1);
    EXPECT(mc_options_set_timeout_ms(o, 5000), MC_STATUS_OK);
    mc_status st = mc_last_error_status();
    CHECK(st == MC_STATUS_OK);
    CHECK_STR(mc_last_error_message(), "");
    mc_options_free(o);
}

void test_free_null(void)
{
    mc_free(NULL);
    mc_options_free(NULL);
    mc_client_free(NULL);
    mc_signed_headers_free(NULL);
    mc_account_free(NULL);
    CHECK(1); /* reached: no crash */
}
