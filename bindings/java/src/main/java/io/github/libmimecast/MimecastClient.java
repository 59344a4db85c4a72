package io.github.libmimecast;

import com.sun.jna.Memory;
import com.sun.jna.Pointer;
import com.sun.jna.ptr.PointerByReference;
import io.github.libmimecast.internal.NativeLibraryLoader;
import io.github.libmimecast.internal.NativeMethods;
import io.github.libmimecast.internal.NativeMethods.NativeAccount;
import io.github.libmimecast.internal.NativeMethods.NativeLogCallback;
import io.github.libmimecast.internal.NativeMethods.NativeSignedHeaders;
import io.github.libmimecast.internal.NativeMethods.SizeT;
import io.github.libmimecast.internal.Utf8;
import java.lang.ref.Cleaner;
import java.lang.ref.Reference;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;
import java.util.stream.Stream;

/**
 * A Mimecast API client over libmimecast: credentials, base URL and a keep-alive connection
 * pool, for API 1.0 keys or API 2.0 (OAuth 2.0 client credentials).
 *
 * <pre>{@code
 * try (MimecastClient client = MimecastClient.fromEnvironment()) {
 *     Account account = client.getAccount();
 *     System.out.println(account.accountName() + ", " + account.userCount() + " users");
 * }
 * }</pre>
 *
 * <p>Thread-safe: share one client between threads (the library serialises what must be, such
 * as fetching an OAuth token). Every call blocks for at most the request timeout per attempt,
 * and retries within the retry budget (see {@link MimecastClientOptions}).
 *
 * <p>Close it when done: {@link #close()} waits for calls in progress on other threads, then
 * frees the native client and wipes its keys from native memory; it is idempotent. A client
 * that is not closed is freed when it becomes unreachable. Any call after close throws
 * {@link IllegalStateException}. {@link #toString()} never shows a key.
 *
 * <p>Failures throw a subclass of {@link MimecastException} (unchecked) chosen by the library's
 * status. The credentials are read the same way in every language binding, by the library:
 * {@link #fromEnvironment()} and {@link #fromPostmanEnvironment(Path)}.
 */
public final class MimecastClient implements AutoCloseable {
    /** Frees clients and pagers that were not closed. */
    static final Cleaner CLEANER = Cleaner.create();

    /** The environment variables the library reads (mc_client_new_from_env). */
    static final List<String> ENVIRONMENT_VARIABLES = List.of(
            "MIMECAST_BASE_URL", "MIMECAST_APP_ID", "MIMECAST_APP_KEY", "MIMECAST_ACCESS_KEY",
            "MIMECAST_SECRET_KEY", "MIMECAST_CLIENT_ID", "MIMECAST_CLIENT_SECRET");

    private final NativeMethods lib;
    private final State state;
    private final Cleaner.Cleanable cleanable;
    private final String description;
    private final ThreadLocal<int[]> lastRetryCount = ThreadLocal.withInitial(() -> new int[1]);

    /**
     * The native client and the calls using it. It holds no reference to the MimecastClient, so
     * that the Cleaner can run it; it frees the native client once, when no call uses it.
     */
    static final class State implements Runnable {
        private final NativeMethods lib;
        private Pointer client;
        private Pointer orphan; // closed from inside a call on its own thread: freed after it
        private int active; // calls in progress, all threads
        private final ThreadLocal<int[]> depth = ThreadLocal.withInitial(() -> new int[1]);
        // Called by the library for as long as the native client lives: must stay reachable.
        @SuppressWarnings("unused")
        private final NativeLogCallback callback;

        State(NativeMethods lib, Pointer client, NativeLogCallback callback) {
            this.lib = lib;
            this.client = client;
            this.callback = callback;
        }

        /** Marks a call in progress; the native client stays alive until release(). */
        Pointer acquire() {
            int[] d = depth.get();
            if (d[0] > 0) {
                // Only the log callback runs inside a call; the library forbids re-entering.
                throw new IllegalStateException("a MimecastClient cannot be used from its log"
                        + " handler while it is making a call on the same thread");
            }
            synchronized (this) {
                if (client == null) {
                    throw closedError();
                }
                active++;
                d[0] = 1;
                return client;
            }
        }

        void release() {
            depth.get()[0] = 0;
            Pointer free = null;
            synchronized (this) {
                if (--active == 0) {
                    free = orphan;
                    orphan = null;
                    notifyAll();
                }
            }
            if (free != null) {
                lib.mc_client_free(free);
            }
        }

        synchronized boolean isClosed() {
            return client == null;
        }

        /**
         * Frees the native client once no call uses it. From a log handler (inside a call on
         * this thread) it cannot wait for the call it is part of: the client is freed when that
         * call returns.
         */
        void close() {
            boolean inside = depth.get()[0] > 0;
            Pointer free;
            boolean interrupted = false;
            synchronized (this) {
                free = client;
                if (free == null) {
                    return;
                }
                client = null;
                if (inside) {
                    orphan = free;
                    return;
                }
                while (active > 0) {
                    try {
                        wait();
                    } catch (InterruptedException e) {
                        interrupted = true; // the calls finish anyway; keep waiting for them
                    }
                }
            }
            lib.mc_client_free(free);
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }

        /** The Cleaner's action: the client is unreachable, so no call can be in progress. */
        @Override
        public void run() {
            close();
        }
    }

    private MimecastClient(NativeMethods lib, Pointer client, NativeLogCallback callback,
            String description) {
        this.lib = lib;
        this.state = new State(lib, client, callback);
        this.cleanable = CLEANER.register(this, state);
        this.description = description;
    }

    // ------------------------------------------------------------------ factories

    /**
     * An API 1.0 client from the four keys of the Mimecast console. Nothing is sent yet.
     *
     * @param baseUrlOrRegion {@code https://host[:port]} (e.g. {@code https://eu-api.mimecast.com})
     *     or a region name: eu, de, us, usb, uspcom, ca, za, au, offshore
     * @param appId the application id
     * @param appKey the application key
     * @param accessKey the access key
     * @param secretKey the secret key (base64)
     * @return the client
     * @throws MimecastInvalidCredentialsException if the secret key is not base64
     * @throws MimecastConfigurationException for an unknown region, a URL that is not http(s),
     *     http:// to a remote host
     * @throws MimecastInvalidArgumentException for an empty value
     */
    public static MimecastClient create(String baseUrlOrRegion, String appId, String appKey,
            String accessKey, String secretKey) {
        return create(baseUrlOrRegion, appId, appKey, accessKey, secretKey, null);
    }

    /**
     * An API 1.0 client with options; see {@link #create(String, String, String, String, String)}.
     *
     * @param baseUrlOrRegion {@code https://host[:port]} or a region name
     * @param appId the application id
     * @param appKey the application key
     * @param accessKey the access key
     * @param secretKey the secret key (base64)
     * @param options timeouts, TLS, retries, proxy, logging; null for the defaults
     * @return the client
     */
    public static MimecastClient create(String baseUrlOrRegion, String appId, String appKey,
            String accessKey, String secretKey, MimecastClientOptions options) {
        byte[] url = Utf8.required(baseUrlOrRegion, "baseUrlOrRegion");
        byte[] id = Utf8.required(appId, "appId");
        byte[][] secrets = new byte[3][];
        try {
            secrets[0] = Utf8.required(appKey, "appKey");
            secrets[1] = Utf8.required(accessKey, "accessKey");
            secrets[2] = Utf8.required(secretKey, "secretKey");
            return open("API 1.0, " + baseUrlOrRegion, options, (lib, opts, out) ->
                    lib.mc_client_new(url, id, secrets[0], secrets[1], secrets[2], opts, out));
        } finally {
            Utf8.wipe(secrets);
        }
    }

    /**
     * An API 2.0 client (OAuth 2.0 client credentials) for the global host
     * {@code https://api.services.mimecast.com}. The token is fetched on first use, cached, and
     * refreshed before it expires. {@link #sign} does not apply to such a client.
     *
     * @param clientId the client id
     * @param clientSecret the client secret
     * @return the client
     */
    public static MimecastClient forOAuth(String clientId, String clientSecret) {
        return forOAuth(clientId, clientSecret, null, null);
    }

    /**
     * An API 2.0 client (OAuth 2.0 client credentials); see {@link #forOAuth(String, String)}.
     *
     * @param clientId the client id
     * @param clientSecret the client secret
     * @param baseUrl null for {@code https://api.services.mimecast.com}; a region name (global,
     *     uk, us) or an https URL
     * @param options timeouts, TLS, retries, proxy, logging; null for the defaults
     * @return the client
     */
    public static MimecastClient forOAuth(String clientId, String clientSecret, String baseUrl,
            MimecastClientOptions options) {
        byte[] id = Utf8.required(clientId, "clientId");
        byte[] url = Utf8.toNative(baseUrl, "baseUrl");
        byte[] secret = null;
        try {
            secret = Utf8.required(clientSecret, "clientSecret");
            byte[] s = secret;
            String where = baseUrl != null ? baseUrl : "https://api.services.mimecast.com";
            return open("API 2.0, " + where, options,
                    (lib, opts, out) -> lib.mc_client_new_oauth(url, id, s, opts, out));
        } finally {
            Utf8.wipe(secret);
        }
    }

    /**
     * A client from the process environment: {@code MIMECAST_CLIENT_ID} and
     * {@code MIMECAST_CLIENT_SECRET} (API 2.0, wins when set; {@code MIMECAST_BASE_URL}
     * optional), or {@code MIMECAST_BASE_URL}, {@code MIMECAST_APP_ID}, {@code MIMECAST_APP_KEY},
     * {@code MIMECAST_ACCESS_KEY}, {@code MIMECAST_SECRET_KEY} (API 1.0). The library applies
     * the same rules in every language.
     *
     * @return the client
     * @throws MimecastInvalidArgumentException if a variable is missing (the message names it)
     */
    public static MimecastClient fromEnvironment() {
        return fromEnvironment(System.getenv(), null);
    }

    /**
     * A client from the process environment, with options; see {@link #fromEnvironment()}.
     *
     * @param options timeouts, TLS, retries, proxy, logging; null for the defaults
     * @return the client
     */
    public static MimecastClient fromEnvironment(MimecastClientOptions options) {
        return fromEnvironment(System.getenv(), options);
    }

    /**
     * A client from {@code environment} read as the process environment would be (for tests, or
     * configuration kept elsewhere); see {@link #fromEnvironment()}. Only the
     * {@code MIMECAST_*} variables are read.
     *
     * @param environment variable name to value
     * @param options timeouts, TLS, retries, proxy, logging; null for the defaults
     * @return the client
     */
    public static MimecastClient fromEnvironment(Map<String, String> environment,
            MimecastClientOptions options) {
        Objects.requireNonNull(environment, "environment");
        int n = ENVIRONMENT_VARIABLES.size();
        Pointer[] names = new Pointer[n];
        Pointer[] values = new Pointer[n];
        List<Memory> memory = new ArrayList<>();
        List<byte[]> copies = new ArrayList<>();
        try {
            for (int i = 0; i < n; i++) {
                String name = ENVIRONMENT_VARIABLES.get(i);
                byte[] nameBytes = Utf8.toNative(name, "name");
                Memory m = Utf8.toMemory(nameBytes);
                memory.add(m);
                names[i] = m;
                byte[] value = Utf8.toNative(environment.get(name), name);
                if (value != null) {
                    copies.add(value);
                    Memory v = Utf8.toMemory(value);
                    memory.add(v);
                    values[i] = v;
                }
            }
            return open("from the environment", options, (lib, opts, out) ->
                    lib.mc_client_new_from_variables(names, values, new SizeT(n), opts, out));
        } finally {
            for (Memory m : memory) {
                m.clear(); // the values hold keys
            }
            for (byte[] b : copies) {
                Utf8.wipe(b);
            }
        }
    }

    /**
     * A client from a Postman environment export (the file of Mimecast's Postman guide): keys
     * such as ApplicationID, ApplicationKey, AccessKey, SecretKey, baseUrl, or client_id and
     * client_secret for API 2.0, matched as the library does in every language.
     *
     * @param path the exported file
     * @return the client
     * @throws MimecastIOException if the file cannot be read
     * @throws MimecastInvalidArgumentException if it is not a Postman environment or lacks a key
     */
    public static MimecastClient fromPostmanEnvironment(Path path) {
        return fromPostmanEnvironment(path, null);
    }

    /**
     * A client from a Postman environment export, with options; see
     * {@link #fromPostmanEnvironment(Path)}.
     *
     * @param path the exported file
     * @param options timeouts, TLS, retries, proxy, logging; null for the defaults
     * @return the client
     */
    public static MimecastClient fromPostmanEnvironment(Path path, MimecastClientOptions options) {
        Objects.requireNonNull(path, "path");
        byte[] file = Utf8.toNative(path.toString(), "path");
        return open("from " + path, options,
                (lib, opts, out) -> lib.mc_client_new_from_postman(file, opts, out));
    }

    /** One of the library's client constructors, given native options. */
    private interface Factory {
        int make(NativeMethods lib, Pointer options, PointerByReference out);
    }

    private static MimecastClient open(String description, MimecastClientOptions options,
            Factory factory) {
        NativeMethods lib = NativeLibraryLoader.get();
        MimecastClientOptions o = options != null ? options : MimecastClientOptions.defaults();
        MimecastLogLevel level = o.effectiveLogLevel();
        LogBridge bridge = level != null ? new LogBridge(o.logger()) : null;
        Pointer opts = lib.mc_options_new();
        if (opts == null) {
            throw new OutOfMemoryError("mc_options_new returned NULL");
        }
        try {
            apply(lib, opts, o, bridge, level);
            PointerByReference out = new PointerByReference();
            int status = factory.make(lib, opts, out);
            check(lib, status, 0);
            return new MimecastClient(lib, out.getValue(), bridge, description);
        } finally {
            lib.mc_options_free(opts);
        }
    }

    /** Whole milliseconds, rounded up (the builder checked the range). */
    private static int millis(Duration d) {
        long ms = d.toMillis();
        if (d.minusMillis(ms).isZero()) {
            return (int) ms; // a C uint32_t: values above 2^31-1 wrap to their bit pattern
        }
        return (int) (ms + 1);
    }

    private static void apply(NativeMethods lib, Pointer opts, MimecastClientOptions o,
            LogBridge bridge, MimecastLogLevel level) {
        if (o.timeout != null) {
            check(lib, lib.mc_options_set_timeout_ms(opts, millis(o.timeout)), 0);
        }
        if (o.connectTimeout != null) {
            check(lib, lib.mc_options_set_connect_timeout_ms(opts, millis(o.connectTimeout)), 0);
        }
        if (o.caBundle != null) {
            byte[] path = Utf8.toNative(o.caBundle.toString(), "caBundle");
            check(lib, lib.mc_options_set_ca_bundle(opts, path), 0);
        }
        if (o.allowInsecureHttp) {
            check(lib, lib.mc_options_set_allow_insecure_http(opts, true), 0);
        }
        if (o.maxResponseBytes != null) {
            check(lib, lib.mc_options_set_max_response_bytes(opts, o.maxResponseBytes), 0);
        }
        if (o.maxRetries != null || o.retryBudget != null) {
            int retries = o.maxRetries != null ? o.maxRetries : 3; // the library's defaults
            int budget = o.retryBudget != null ? millis(o.retryBudget) : 60_000;
            check(lib, lib.mc_options_set_retry(opts, retries, budget), 0);
        }
        if (o.retryAfterSend) {
            check(lib, lib.mc_options_set_retry_after_send(opts, true), 0);
        }
        if (o.proxy != null) {
            byte[] proxy = Utf8.toNative(o.proxy, "proxy");
            try {
                check(lib, lib.mc_options_set_proxy(opts, proxy), 0);
            } finally {
                Utf8.wipe(proxy); // may hold a proxy password
            }
        }
        if (bridge != null) {
            check(lib, lib.mc_options_set_log_callback(opts, bridge, null, level.value()), 0);
        }
    }

    /** Forwards the library's log lines to a System.Logger; never lets an exception into C. */
    private static final class LogBridge implements NativeLogCallback {
        private final System.Logger logger;

        LogBridge(System.Logger logger) {
            this.logger = logger;
        }

        @Override
        public void invoke(Pointer userData, int level, Pointer message) {
            try {
                System.Logger.Level to;
                if (level == MimecastLogLevel.ERROR.value()) {
                    to = System.Logger.Level.ERROR;
                } else if (level == MimecastLogLevel.WARN.value()) {
                    to = System.Logger.Level.WARNING;
                } else if (level == MimecastLogLevel.INFO.value()) {
                    to = System.Logger.Level.INFO;
                } else {
                    to = System.Logger.Level.DEBUG;
                }
                if (logger.isLoggable(to)) {
                    logger.log(to, Utf8.fromNative(message));
                }
            } catch (Throwable t) {
                // An exception must not unwind into the library; losing a log line is better.
            }
        }
    }

    // ------------------------------------------------------------------ calls

    private static void check(NativeMethods lib, int status, int retries) {
        if (status != 0) {
            throw ExceptionFactory.create(ErrorInfo.last(lib, status, retries));
        }
    }

    /** Runs one native call with the client held (close() waits for it). */
    private <T> T use(Function<Pointer, T> call) {
        Pointer client = state.acquire();
        try {
            return call.apply(client);
        } finally {
            state.release();
            Reference.reachabilityFence(this); // the Cleaner must not free it during the call
        }
    }

    /** Records and returns the retry count of the request call just made on this thread. */
    private int retries() {
        int n = lib.mc_last_retry_count();
        lastRetryCount.get()[0] = n;
        return n;
    }

    /** Copies a string the library handed over, then frees it with mc_free. */
    private String take(Pointer p) {
        if (p == null) {
            return null;
        }
        try {
            return Utf8.fromNative(p);
        } finally {
            lib.mc_free(p);
        }
    }

    /**
     * Calls Get Account ({@code POST /api/account/get-account}).
     *
     * @return the account, with the values the library read
     * @throws MimecastException the call failed; the subclass says how
     * @throws IllegalStateException the client is closed
     */
    public Account getAccount() {
        return use(client -> {
            PointerByReference out = new PointerByReference();
            int status = lib.mc_get_account(client, out);
            check(lib, status, retries());
            Pointer account = out.getValue();
            try {
                return Account.fromNative(new NativeAccount(account));
            } finally {
                lib.mc_account_free(account);
            }
        });
    }

    /**
     * Calls any endpoint with the body {@code {"data":[]}}; see {@link #request(String, String)}.
     *
     * @param path the request path, e.g. {@code /api/directory/find-groups} (never a full URL)
     * @return the response envelope
     */
    public MimecastResponse request(String path) {
        return request(path, null);
    }

    /**
     * Calls any endpoint: POSTs {@code jsonBody} to {@code path}, authenticated. A non-empty
     * {@code fail} array throws {@link MimecastApiFailureException}, even under HTTP 200, so a
     * result means the call really succeeded. Failures after the request may have reached the
     * server (5xx, a broken connection) are retried only with
     * {@link MimecastClientOptions.Builder#retryAfterSend}.
     *
     * @param path the request path, e.g. {@code /api/directory/find-groups} (never a full URL)
     * @param jsonBody a JSON object, e.g. {@code {"data":[{"query":"sales"}]}}; null sends
     *     {@code {"data":[]}}
     * @return the response envelope
     * @throws MimecastException the call failed; the subclass says how
     */
    public MimecastResponse request(String path, String jsonBody) {
        byte[] p = Utf8.required(path, "path");
        byte[] body = Utf8.toNative(jsonBody, "jsonBody");
        return use(client -> {
            PointerByReference out = new PointerByReference();
            int status = lib.mc_request(client, p, body, out);
            int retries = retries();
            check(lib, status, retries);
            return new MimecastResponse(
                    Objects.requireNonNullElse(take(out.getValue()), ""), null, retries);
        });
    }

    /**
     * Fetches one page of a paged endpoint. {@link MimecastResponse#nextPageToken()} is the
     * token of the next page, empty on the last page. {@link #pages} does the loop for you.
     *
     * @param path the request path, e.g. {@code /api/audit/get-audit-events}
     * @param jsonBody the JSON body without pagination (which is added), or null
     * @param pageSize items per page; 0 = the server's default
     * @param pageToken the token of the page to fetch; null for the first page
     * @return the page
     * @throws MimecastException the call failed; the subclass says how
     */
    public MimecastResponse requestPage(String path, String jsonBody, int pageSize,
            String pageToken) {
        byte[] p = Utf8.required(path, "path");
        byte[] body = Utf8.toNative(jsonBody, "jsonBody");
        byte[] token = Utf8.toNative(pageToken, "pageToken");
        checkPageSize(pageSize);
        return use(client -> {
            PointerByReference out = new PointerByReference();
            PointerByReference next = new PointerByReference();
            int status = lib.mc_request_page(client, p, body, pageSize, token, out, next);
            int retries = retries();
            check(lib, status, retries);
            String json;
            String nextToken;
            try {
                json = take(out.getValue());
            } finally {
                nextToken = take(next.getValue());
            }
            return new MimecastResponse(Objects.requireNonNullElse(json, ""),
                    nextToken == null || nextToken.isEmpty() ? null : nextToken, retries);
        });
    }

    private static void checkPageSize(int pageSize) {
        if (pageSize < 0) {
            throw new IllegalArgumentException("pageSize must not be negative");
        }
    }

    /**
     * Every page of a paged endpoint, fetched lazily by the library's pager (see {@link Pages}:
     * iterate once, close it when done).
     *
     * @param path the request path, e.g. {@code /api/audit/get-audit-events}
     * @param jsonBody the JSON body without pagination, or null
     * @param pageSize items per page; 0 = the server's default
     * @return the pages
     * @throws MimecastException the path or body is refused
     */
    public Pages pages(String path, String jsonBody, int pageSize) {
        byte[] p = Utf8.required(path, "path");
        byte[] body = Utf8.toNative(jsonBody, "jsonBody");
        checkPageSize(pageSize);
        return use(client -> {
            PointerByReference out = new PointerByReference();
            check(lib, lib.mc_pager_new(client, p, body, pageSize, out), 0);
            return new Pages(this, new Pages.PagerState(lib, out.getValue()));
        });
    }

    /**
     * The items ({@code data} entries) of every page of a paged endpoint, as Java values (see
     * {@link MimecastResponse#envelope()}), fetched lazily. Close the stream (try-with-resources)
     * to free the native pager early.
     *
     * @param path the request path, e.g. {@code /api/audit/get-audit-events}
     * @param jsonBody the JSON body without pagination, or null
     * @param pageSize items per page; 0 = the server's default
     * @return the items of all pages
     */
    public Stream<Object> paginate(String path, String jsonBody, int pageSize) {
        return pages(path, jsonBody, pageSize).items();
    }

    /** The next page of a pull, or null when it is over (called by Pages). */
    MimecastResponse nextPage(Pointer pager) {
        return use(client -> {
            PointerByReference out = new PointerByReference();
            int status = lib.mc_pager_next(pager, out);
            int retries = retries();
            check(lib, status, retries);
            String json = take(out.getValue());
            return json == null ? null : new MimecastResponse(json, null, retries);
        });
    }

    /**
     * Signs an API 1.0 request to {@code path} with the current UTC time and a fresh request id,
     * without sending it, for callers with their own HTTP code.
     *
     * @param path the request path only (e.g. {@code /api/account/get-account}), never the URL
     * @return the header values
     * @throws MimecastUnsupportedException on an API 2.0 (OAuth) client
     */
    public SignedHeaders sign(String path) {
        return sign(path, null, null);
    }

    /**
     * Signs an API 1.0 request to {@code path} without sending it; pass a date and request id to
     * reproduce a signature.
     *
     * @param path the request path only (e.g. {@code /api/account/get-account}), never the URL
     * @param date the {@code x-mc-date} value, e.g. {@code Tue, 24 Nov 2015 12:50:11 UTC}; null
     *     for now
     * @param requestId the {@code x-mc-req-id} value; null for a fresh random UUID
     * @return the header values
     * @throws MimecastUnsupportedException on an API 2.0 (OAuth) client
     */
    public SignedHeaders sign(String path, String date, String requestId) {
        byte[] p = Utf8.required(path, "path");
        byte[] d = Utf8.toNative(date, "date");
        byte[] r = Utf8.toNative(requestId, "requestId");
        return use(client -> {
            PointerByReference out = new PointerByReference();
            check(lib, lib.mc_sign(client, p, d, r, out), 0);
            Pointer headers = out.getValue();
            try {
                NativeSignedHeaders h = new NativeSignedHeaders(headers);
                return new SignedHeaders(
                        Objects.requireNonNullElse(Utf8.fromNative(h.authorization), ""),
                        Objects.requireNonNullElse(Utf8.fromNative(h.date), ""),
                        Objects.requireNonNullElse(Utf8.fromNative(h.requestId), ""),
                        Objects.requireNonNullElse(Utf8.fromNative(h.appId), ""));
            } finally {
                lib.mc_signed_headers_free(headers);
            }
        });
    }

    /**
     * How many retries the last request made by this client on the current thread needed,
     * whether it succeeded or not.
     *
     * @return 0 if none
     */
    public int lastRetryCount() {
        return lastRetryCount.get()[0];
    }

    /**
     * Whether {@link #close()} was called.
     *
     * @return true once closed
     */
    public boolean isClosed() {
        return state.isClosed();
    }

    /**
     * Frees the native client and wipes its keys. Calls in progress on other threads finish
     * first; calls made afterwards throw {@link IllegalStateException}. Idempotent.
     */
    @Override
    public void close() {
        cleanable.clean();
    }

    /** The kind of client and where it connects; never a key. */
    @Override
    public String toString() {
        return "MimecastClient[" + description + (isClosed() ? ", closed]" : "]");
    }

    static IllegalStateException closedError() {
        return new IllegalStateException("this MimecastClient is closed");
    }

    /**
     * The native library's version ({@code mc_version()}), e.g. {@code 0.1.0}; equal to this
     * binding's version (checked when the library is loaded).
     *
     * @return the version
     * @throws UnsatisfiedLinkError if the library cannot be loaded (the message lists where it
     *     was looked for)
     */
    public static String nativeVersion() {
        return Utf8.fromNative(NativeLibraryLoader.get().mc_version());
    }

    /**
     * The file the native library was loaded from (loading it if needed).
     *
     * @return the path
     */
    public static String nativeLibraryPath() {
        return NativeLibraryLoader.loadedFrom();
    }
}
