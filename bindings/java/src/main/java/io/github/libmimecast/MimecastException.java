package io.github.libmimecast;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A libmimecast call failed. The subclass says how; {@link #status()} says exactly what.
 *
 * <p>Unchecked, like the JDK's own exceptions for failures a caller usually cannot handle
 * locally. The classes form the tree of {@code bindings/errors.json}, the same in every binding
 * (Python, .NET, PowerShell); the subclasses (see "Direct Known Subclasses") and the status to
 * class mapping are generated from it. Kinds without a status of their own
 * ({@link MimecastConfigurationException}, {@link MimecastApiException},
 * {@link MimecastResponseException}) group their subclasses and are thrown only as one of them.
 * A closed client throws the JDK's {@link IllegalStateException}; arguments the binding can
 * check itself throw {@link NullPointerException} or {@link IllegalArgumentException}.
 *
 * <p>Messages come from the library and never contain a secret (keys, client secret, tokens,
 * Authorization values).
 */
public class MimecastException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** @serial the status, or null for a value this binding does not know */
    private final MimecastStatus status;
    /** @serial the C value of the status */
    private final int statusValue;
    /** @serial the HTTP status, or 0 */
    private final int httpStatus;
    /** @serial Mimecast's error code, or null */
    private final String errorCode;
    /** @serial Mimecast's error message, or null */
    private final String apiMessage;
    /** @serial milliseconds to wait before retrying, or -1 */
    private final long retryAfterMs;
    /** @serial retries made */
    private final int retries;

    /** The failure the library reported. */
    MimecastException(ErrorInfo info) {
        super(describe(info));
        this.status = info.status();
        this.statusValue = info.statusValue();
        this.httpStatus = info.httpStatus();
        this.errorCode = info.errorCode();
        this.apiMessage = info.apiMessage();
        this.retryAfterMs = info.retryAfterMs();
        this.retries = info.retries();
    }

    /** The library's message followed by the details, as Python's str() shows them. */
    private static String describe(ErrorInfo info) {
        List<String> extra = new ArrayList<>();
        extra.add(info.status() != null ? info.status().nativeName()
                : "status " + info.statusValue());
        if (info.httpStatus() != 0) {
            extra.add("HTTP " + info.httpStatus());
        }
        if (info.errorCode() != null) {
            extra.add("code " + info.errorCode());
        }
        if (info.apiMessage() != null && !info.message().contains(info.apiMessage())) {
            extra.add("'" + info.apiMessage() + "'");
        }
        return info.message() + " [" + String.join(", ", extra) + "]";
    }

    /**
     * The status ({@code mc_status}), e.g. {@link MimecastStatus#TIMEOUT}.
     *
     * @return the status; null only for a value this binding does not know, which a library of
     *     the matching version never returns
     */
    public MimecastStatus status() {
        return status;
    }

    /**
     * The C value of the status.
     *
     * @return e.g. 7 for {@link MimecastStatus#TIMEOUT}
     */
    public int statusValue() {
        return statusValue;
    }

    /**
     * The HTTP status of the response behind the failure.
     *
     * @return the status, or 0 when no response was received
     */
    public int httpStatus() {
        return httpStatus;
    }

    /**
     * Mimecast's error code from the response's {@code fail} array.
     *
     * @return e.g. {@code err_xdk_binding_expired}, or empty
     */
    public Optional<String> errorCode() {
        return Optional.ofNullable(errorCode);
    }

    /**
     * Mimecast's error message.
     *
     * @return e.g. {@code 0004 Invalid Signature}, or empty
     */
    public Optional<String> apiMessage() {
        return Optional.ofNullable(apiMessage);
    }

    /**
     * How long to wait before retrying, after {@link MimecastStatus#RATE_LIMITED} (the
     * {@code X-RateLimit-Reset} header).
     *
     * @return the time, or empty when unknown or not rate limited
     */
    public Optional<Duration> retryAfter() {
        return retryAfterMs >= 0 ? Optional.of(Duration.ofMillis(retryAfterMs)) : Optional.empty();
    }

    /**
     * How many retries the call made before it gave up.
     *
     * @return 0 when it failed at the first attempt (or retries are off)
     */
    public int retries() {
        return retries;
    }
}
