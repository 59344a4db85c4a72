package io.github.libmimecast;

import io.github.libmimecast.internal.NativeMethods;
import io.github.libmimecast.internal.Utf8;

/**
 * The details of one failure, as the library reported them on the calling thread.
 *
 * @param status the status, or null for a value this binding does not know
 * @param statusValue the C value of the status
 * @param message the library's message (what went wrong and what to do)
 * @param httpStatus the HTTP status of the response behind the failure, or 0
 * @param errorCode Mimecast's error code, or null
 * @param apiMessage Mimecast's error message, or null
 * @param retryAfterMs milliseconds to wait before retrying, or -1
 * @param retries how many retries the call made
 */
record ErrorInfo(MimecastStatus status, int statusValue, String message, int httpStatus,
        String errorCode, String apiMessage, long retryAfterMs, int retries) {

    /**
     * Reads mc_last_error_* for a call that just failed with {@code status} on this thread.
     * Call it right after the failing call: the details are per thread and last until the next
     * fallible call.
     */
    static ErrorInfo last(NativeMethods lib, int status, int retries) {
        String message = Utf8.fromNative(lib.mc_last_error_message());
        String code = Utf8.fromNative(lib.mc_last_error_code());
        String apiMessage = Utf8.fromNative(lib.mc_last_error_api_message());
        int http = lib.mc_last_error_http_status();
        long retryAfter = lib.mc_last_error_retry_after_ms();
        if (message == null || message.isEmpty()) {
            message = "libmimecast call failed with " + Utf8.fromNative(lib.mc_status_name(status));
        }
        return new ErrorInfo(MimecastStatus.fromValue(status).orElse(null), status, message, http,
                emptyToNull(code), emptyToNull(apiMessage), retryAfter, retries);
    }

    /** A failure the binding detected itself, e.g. a response its JSON reader refuses. */
    static ErrorInfo of(MimecastStatus status, String message) {
        return new ErrorInfo(status, status.value(), message, 0, null, null, -1, 0);
    }

    private static String emptyToNull(String s) {
        return s == null || s.isEmpty() ? null : s;
    }
}
