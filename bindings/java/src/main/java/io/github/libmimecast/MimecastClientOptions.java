package io.github.libmimecast;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * Settings for a {@link MimecastClient}: immutable, made with {@link #builder()}. Anything left
 * unset keeps the library's production default. The client copies what it needs when it is
 * created.
 *
 * <pre>{@code
 * MimecastClientOptions options = MimecastClientOptions.builder()
 *         .timeout(Duration.ofSeconds(30))
 *         .maxRetries(5)
 *         .build();
 * }</pre>
 */
public final class MimecastClientOptions {
    /** The largest value the library takes in milliseconds (a C uint32_t). */
    static final long MAX_MILLIS = 0xFFFF_FFFFL;

    /** The logger the library's lines go to unless {@link Builder#logger} says otherwise. */
    public static final String LOGGER_NAME = "io.github.libmimecast";

    private static final MimecastClientOptions DEFAULTS = builder().build();

    final Duration timeout;
    final Duration connectTimeout;
    final Path caBundle;
    final boolean allowInsecureHttp;
    final Integer maxRetries;
    final Duration retryBudget;
    final boolean retryAfterSend;
    final String proxy;
    final Long maxResponseBytes;
    final System.Logger logger;
    final Boolean log;
    final MimecastLogLevel logLevel;

    private MimecastClientOptions(Builder b) {
        timeout = b.timeout;
        connectTimeout = b.connectTimeout;
        caBundle = b.caBundle;
        allowInsecureHttp = b.allowInsecureHttp;
        maxRetries = b.maxRetries;
        retryBudget = b.retryBudget;
        retryAfterSend = b.retryAfterSend;
        proxy = b.proxy;
        maxResponseBytes = b.maxResponseBytes;
        logger = b.logger;
        log = b.log;
        logLevel = b.logLevel;
    }

    /**
     * A new builder, with every setting at its default.
     *
     * @return the builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * The library's defaults.
     *
     * @return options with nothing set
     */
    public static MimecastClientOptions defaults() {
        return DEFAULTS;
    }

    /**
     * The logger the library's lines go to.
     *
     * @return the logger set, or {@code System.getLogger("io.github.libmimecast")}
     */
    System.Logger logger() {
        return logger != null ? logger : System.getLogger(LOGGER_NAME);
    }

    /**
     * The most detailed level to ask the library for, or null for no logging: the level set,
     * or when {@code log} was not decided, DEBUG if the logger takes DEBUG lines (so that the
     * default costs nothing when nobody listens, as in the Python binding).
     */
    MimecastLogLevel effectiveLogLevel() {
        if (Boolean.FALSE.equals(log)) {
            return null;
        }
        if (log == null && !logger().isLoggable(System.Logger.Level.DEBUG)) {
            return null;
        }
        return logLevel != null ? logLevel : MimecastLogLevel.DEBUG;
    }

    /** Builds {@link MimecastClientOptions}; every setter checks its value at once. */
    public static final class Builder {
        private Duration timeout;
        private Duration connectTimeout;
        private Path caBundle;
        private boolean allowInsecureHttp;
        private Integer maxRetries;
        private Duration retryBudget;
        private boolean retryAfterSend;
        private String proxy;
        private Long maxResponseBytes;
        private System.Logger logger;
        private Boolean log;
        private MimecastLogLevel logLevel;

        private Builder() {
        }

        private static Duration millis(Duration value, String name) {
            Objects.requireNonNull(value, name);
            if (value.isNegative() || value.isZero()
                    || value.compareTo(Duration.ofMillis(MAX_MILLIS)) > 0) {
                throw new IllegalArgumentException(
                        name + " must be positive and at most " + MAX_MILLIS + " ms");
            }
            return value;
        }

        /**
         * Time allowed for a whole request, reading the body included (default 60 s). A server
         * that stops or trickles is cut off after it.
         *
         * @param value positive, at most 2^32-1 ms (rounded up to whole milliseconds)
         * @return this builder
         */
        public Builder timeout(Duration value) {
            timeout = millis(value, "timeout");
            return this;
        }

        /**
         * Time allowed to open a connection, TCP and TLS (default 10 s).
         *
         * @param value positive, at most 2^32-1 ms
         * @return this builder
         */
        public Builder connectTimeout(Duration value) {
            connectTimeout = millis(value, "connectTimeout");
            return this;
        }

        /**
         * A PEM file of CA certificates trusted in addition to the system's (TLS-inspecting
         * proxies, private servers). Read when the client is created: an unreadable file gives
         * {@link MimecastIOException}. Certificate verification itself cannot be turned off.
         *
         * @param path the file
         * @return this builder
         */
        public Builder caBundle(Path path) {
            caBundle = Objects.requireNonNull(path, "caBundle");
            return this;
        }

        /**
         * Allows plain http:// to hosts that are not loopback (default false). The keys and the
         * signed headers would travel unencrypted: only for trusted internal gateways.
         *
         * @param allow true to allow
         * @return this builder
         */
        public Builder allowInsecureHttp(boolean allow) {
            allowInsecureHttp = allow;
            return this;
        }

        /**
         * How many times a call is retried after HTTP 429 (waiting at least
         * {@code X-RateLimit-Reset}), 5xx or a failed connection (default 3; 0 disables).
         *
         * @param value at least 0
         * @return this builder
         */
        public Builder maxRetries(int value) {
            if (value < 0) {
                throw new IllegalArgumentException("maxRetries must not be negative");
            }
            maxRetries = value;
            return this;
        }

        /**
         * The total time all retries of one call may wait (default 60 s).
         *
         * @param value positive, at most 2^32-1 ms
         * @return this builder
         */
        public Builder retryBudget(Duration value) {
            retryBudget = millis(value, "retryBudget");
            return this;
        }

        /**
         * Also retry {@link MimecastClient#request} after failures that may have reached the
         * server (HTTP 5xx, a connection broken while waiting for the answer). Off by default:
         * the endpoint may change something, and the retry could do it twice. Reads
         * ({@code getAccount}, pages) and 429s are always retried.
         *
         * @param enabled true to retry
         * @return this builder
         */
        public Builder retryAfterSend(boolean enabled) {
            retryAfterSend = enabled;
            return this;
        }

        /**
         * The proxy: {@code http://[user:password@]host:port} (HTTP CONNECT; TLS stays
         * end-to-end), or {@code ""} for none. Unset: from {@code HTTPS_PROXY} /
         * {@code ALL_PROXY}, honouring {@code NO_PROXY}.
         *
         * @param url the proxy URL, or "" for none
         * @return this builder
         */
        public Builder proxy(String url) {
            proxy = Objects.requireNonNull(url, "proxy");
            return this;
        }

        /**
         * The largest response body accepted (default 64 MiB); a larger one gives
         * {@link MimecastResponseTooLargeException}.
         *
         * @param bytes positive
         * @return this builder
         */
        public Builder maxResponseBytes(long bytes) {
            if (bytes <= 0) {
                throw new IllegalArgumentException("maxResponseBytes must be positive");
            }
            maxResponseBytes = bytes;
            return this;
        }

        /**
         * Where the library's log lines go (one per request, retries, token fetches, proxy
         * choice; never a secret). Default: {@code System.getLogger("io.github.libmimecast")},
         * which is java.util.logging unless the application installs another
         * {@code System.LoggerFinder} (SLF4J, Log4j). Library levels map to ERROR, WARNING,
         * INFO and DEBUG.
         *
         * @param value the logger
         * @return this builder
         */
        public Builder logger(System.Logger value) {
            logger = Objects.requireNonNull(value, "logger");
            return this;
        }

        /**
         * Whether to forward the library's log lines at all. Unset (the default): only when the
         * logger takes DEBUG lines when the client is created.
         *
         * @param enabled true to always forward, false to never
         * @return this builder
         */
        public Builder log(boolean enabled) {
            log = enabled;
            return this;
        }

        /**
         * The most detailed level forwarded (default {@link MimecastLogLevel#DEBUG}); also turns
         * logging on, as {@code log(true)}.
         *
         * @param level the level
         * @return this builder
         */
        public Builder logLevel(MimecastLogLevel level) {
            logLevel = Objects.requireNonNull(level, "logLevel");
            log = true;
            return this;
        }

        /**
         * The options.
         *
         * @return immutable options
         */
        public MimecastClientOptions build() {
            return new MimecastClientOptions(this);
        }
    }
}
