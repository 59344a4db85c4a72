package io.github.libmimecast;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.ResourceBundle;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Credential sources, options, logging, threads, closing, secrets. */
class ClientTest extends EmulatorTest {
    private static Map<String, String> api1Environment() {
        Map<String, String> env = new HashMap<>();
        env.put("MIMECAST_BASE_URL", emu.url);
        env.put("MIMECAST_APP_ID", Repo.KEYS.get("app_id"));
        env.put("MIMECAST_APP_KEY", Repo.KEYS.get("app_key"));
        env.put("MIMECAST_ACCESS_KEY", Repo.KEYS.get("access_key"));
        env.put("MIMECAST_SECRET_KEY", Repo.KEYS.get("secret_key"));
        return env;
    }

    private static long tokensIssued() {
        return (Long) emu.stats().get("tokens_issued");
    }

    // ------------------------------------------------------------------ credentials

    @Test
    void fromEnvironmentReadsTheVariables() {
        try (MimecastClient c = MimecastClient.fromEnvironment(api1Environment(), null)) {
            assertEquals("CUSA12A345", c.getAccount().accountCode());
            assertNoSecret(c.toString());
        }
    }

    @Test
    void aMissingVariableIsNamed() {
        Map<String, String> env = api1Environment();
        env.remove("MIMECAST_SECRET_KEY");
        MimecastInvalidArgumentException e = assertThrows(MimecastInvalidArgumentException.class,
                () -> MimecastClient.fromEnvironment(env, null));
        assertTrue(e.getMessage().contains("MIMECAST_SECRET_KEY"), e.getMessage());
        assertNoSecret(e.getMessage());
        assertThrows(MimecastInvalidArgumentException.class,
                () -> MimecastClient.fromEnvironment(Map.of(), null));
    }

    @Test
    void oauthFromTheEnvironmentWins() {
        Map<String, String> env = api1Environment();
        env.put("MIMECAST_SECRET_KEY", "not base64!"); // ignored: API 2.0 wins
        env.put("MIMECAST_CLIENT_ID", Repo.KEYS.get("client_id"));
        env.put("MIMECAST_CLIENT_SECRET", Repo.KEYS.get("client_secret"));
        long before = tokensIssued();
        try (MimecastClient c = MimecastClient.fromEnvironment(env, null)) {
            assertEquals("CUSA12A345", c.getAccount().accountCode());
            assertEquals(before + 1, tokensIssued());
            assertThrows(MimecastUnsupportedException.class, () -> c.sign("/api/x"));
        }
    }

    @Test
    void forOAuthFetchesOneTokenForManyCalls() {
        long before = tokensIssued();
        try (MimecastClient c = MimecastClient.forOAuth(Repo.KEYS.get("client_id"),
                Repo.KEYS.get("client_secret"), emu.url, null)) {
            for (int i = 0; i < 3; i++) {
                assertEquals("CUSA12A345", c.getAccount().accountCode());
            }
            assertEquals(before + 1, tokensIssued());
            assertTrue(c.toString().contains("API 2.0"));
            assertNoSecret(c.toString());
        }
        try (MimecastClient c = MimecastClient.forOAuth(Repo.KEYS.get("client_id"), "wrong",
                emu.url, MimecastClientOptions.builder().maxRetries(0).build())) {
            MimecastAuthenticationException e = assertThrows(MimecastAuthenticationException.class,
                    c::getAccount);
            assertNoSecret(e.getMessage());
        }
    }

    private static Path postman(Path dir, Map<String, String> values) throws Exception {
        List<Object> entries = new ArrayList<>();
        values.forEach((k, v) -> entries.add(Map.of("key", k, "value", v, "enabled", true)));
        Path file = dir.resolve("Mimecast.postman_environment.json");
        Files.writeString(file, JsonWriter.write(Map.of("name", "Mimecast", "values", entries)),
                StandardCharsets.UTF_8);
        return file;
    }

    @Test
    void fromPostmanEnvironment(@TempDir Path dir) throws Exception {
        Path file = postman(dir, Map.of("baseUrl", emu.url,
                "ApplicationID", Repo.KEYS.get("app_id"),
                "ApplicationKey", Repo.KEYS.get("app_key"),
                "AccessKey", Repo.KEYS.get("access_key"),
                "SecretKey", Repo.KEYS.get("secret_key")));
        try (MimecastClient c = MimecastClient.fromPostmanEnvironment(file)) {
            assertEquals("CUSA12A345", c.getAccount().accountCode());
        }
        assertThrows(MimecastIOException.class,
                () -> MimecastClient.fromPostmanEnvironment(dir.resolve("missing.json")));
        Path partial = postman(dir, Map.of("baseUrl", emu.url));
        MimecastInvalidArgumentException e = assertThrows(MimecastInvalidArgumentException.class,
                () -> MimecastClient.fromPostmanEnvironment(partial));
        assertNoSecret(e.getMessage());
    }

    @Test
    void configurationErrorsHaveTheirClasses() {
        String id = Repo.KEYS.get("app_id");
        String k = Repo.KEYS.get("app_key");
        String a = Repo.KEYS.get("access_key");
        String s = Repo.KEYS.get("secret_key");
        assertThrows(MimecastInvalidUrlException.class,
                () -> MimecastClient.create("mars", id, k, a, s));
        assertThrows(MimecastInsecureUrlException.class,
                () -> MimecastClient.create("http://example.com", id, k, a, s));
        assertThrows(MimecastInvalidArgumentException.class,
                () -> MimecastClient.create("eu", "", k, a, s));
        assertThrows(NullPointerException.class, () -> MimecastClient.create("eu", id, null, a, s));
        IllegalArgumentException nul = assertThrows(IllegalArgumentException.class,
                () -> MimecastClient.create("eu", id, k, a, s + "\0"));
        assertFalse(nul.getMessage().contains(s));
        assertThrows(IllegalArgumentException.class,
                () -> MimecastClient.create("eu", id, k, a, "\uD800"));
        MimecastIOException io = assertThrows(MimecastIOException.class, () -> emu.client(
                MimecastClientOptions.builder().caBundle(Path.of("/nonexistent/ca.pem")).build()));
        assertTrue(io.getMessage().contains("/nonexistent/ca.pem"), io.getMessage());
    }

    // ------------------------------------------------------------------ options

    @Test
    void optionValuesAreCheckedByTheBuilder() {
        MimecastClientOptions.Builder b = MimecastClientOptions.builder();
        assertThrows(IllegalArgumentException.class, () -> b.timeout(Duration.ZERO));
        assertThrows(IllegalArgumentException.class, () -> b.timeout(Duration.ofMillis(-1)));
        assertThrows(IllegalArgumentException.class, () -> b.connectTimeout(Duration.ofDays(50)));
        assertThrows(IllegalArgumentException.class, () -> b.retryBudget(Duration.ZERO));
        assertThrows(IllegalArgumentException.class, () -> b.maxRetries(-1));
        assertThrows(IllegalArgumentException.class, () -> b.maxResponseBytes(0));
        assertThrows(NullPointerException.class, () -> b.timeout(null));
        // The largest values the library takes are accepted (49.7 days in ms is a uint32_t).
        try (MimecastClient c = emu.client(b.timeout(Duration.ofMillis(0xFFFF_FFFFL))
                .connectTimeout(Duration.ofNanos(1)).retryBudget(Duration.ofMillis(0xFFFF_FFFFL))
                .maxRetries(Integer.MAX_VALUE).maxResponseBytes(Long.MAX_VALUE).build())) {
            assertEquals("CUSA12A345", c.getAccount().accountCode());
        }
    }

    @Test
    void tlsWithTheCaBundle() {
        try (Emulator tls = new Emulator("--tls")) {
            MimecastClientOptions trusted = MimecastClientOptions.builder()
                    .caBundle(Repo.path("tests/tls/ca.pem")).build();
            try (MimecastClient c = MimecastClient.create(tls.url, Repo.KEYS.get("app_id"),
                    Repo.KEYS.get("app_key"), Repo.KEYS.get("access_key"),
                    Repo.KEYS.get("secret_key"), trusted)) {
                assertTrue(tls.url.startsWith("https://"));
                assertEquals("CUSA12A345", c.getAccount().accountCode());
            }
            try (MimecastClient c = MimecastClient.create(tls.url, Repo.KEYS.get("app_id"),
                    Repo.KEYS.get("app_key"), Repo.KEYS.get("access_key"),
                    Repo.KEYS.get("secret_key"),
                    MimecastClientOptions.builder().maxRetries(0).build())) {
                assertThrows(MimecastTlsException.class, c::getAccount);
            }
        }
    }

    @Test
    void throughTheProxy() {
        MimecastClientOptions viaProxy =
                MimecastClientOptions.builder().proxy(emu.proxyUrl).build();
        try (MimecastClient c = emu.client(viaProxy)) {
            assertEquals("CUSA12A345", c.getAccount().accountCode());
        }
        Map<String, Object> stats = emu.stats();
        assertTrue((Long) stats.get("proxy_tunnels") + (Long) stats.get("proxy_requests") >= 1,
                stats.toString());
    }

    @Test
    void retriesAndRetryAfterSend() {
        emu.fault("{\"fault\":\"server_error\"}");
        try (MimecastClient c = emu.client()) {
            // A read is retried by default.
            assertEquals("CUSA12A345", c.getAccount().accountCode());
            assertEquals(1, c.lastRetryCount());
            // A request is not retried after it may have reached the server...
            emu.fault("{\"fault\":\"server_error\"}");
            MimecastHttpException e = assertThrows(MimecastHttpException.class,
                    () -> c.request("/api/x/y"));
            assertEquals(500, e.httpStatus());
            assertEquals(0, e.retries());
        }
        // ...unless asked to.
        emu.fault("{\"fault\":\"server_error\"}");
        try (MimecastClient c = emu.client(MimecastClientOptions.builder().retryAfterSend(true)
                .retryBudget(Duration.ofSeconds(20)).build())) {
            MimecastResponse r = c.request("/api/x/y");
            assertEquals(1, r.retryCount());
            assertEquals(1, c.lastRetryCount());
        }
    }

    @Test
    void rateLimitedAfterTheRetriesSaysHowLongToWait() {
        emu.fault("{\"fault\":\"rate_limited\",\"reset_ms\":50,\"times\":3}");
        try (MimecastClient c = emu.client(MimecastClientOptions.builder().maxRetries(1).build())) {
            MimecastRateLimitedException e = assertThrows(MimecastRateLimitedException.class,
                    c::getAccount);
            assertEquals(1, e.retries());
            assertEquals(Duration.ofMillis(50), e.retryAfter().orElseThrow());
            assertEquals(429, e.httpStatus());
        }
    }

    @Test
    void responseObjects() {
        try (MimecastClient c = emu.client()) {
            MimecastResponse r = c.request("/api/directory/find-groups",
                    "{\"data\":[{\"query\":\"sälës\",\"n\":1.5,\"big\":12345678901234567890}]}");
            @SuppressWarnings("unchecked")
            Map<String, Object> item = (Map<String, Object>) r.data().get(0);
            assertEquals("/api/directory/find-groups", item.get("path"));
            @SuppressWarnings("unchecked")
            Map<String, Object> echo =
                    (Map<String, Object>) ((List<Object>) item.get("echo")).get(0);
            assertEquals("sälës", echo.get("query"));
            assertEquals(new java.math.BigDecimal("1.5"), echo.get("n"));
            assertEquals(new java.math.BigInteger("12345678901234567890"), echo.get("big"));
            assertTrue(r.rawJson().startsWith("{"));
            assertEquals(r.envelope().get("data"), r.data());
            assertFalse(r.toString().contains("find-groups"));
            assertEquals(0, r.retryCount());
            assertTrue(r.nextPageToken().isEmpty());
            // The body sent is exactly the text given.
            @SuppressWarnings("unchecked")
            Map<String, Object> sent = emu.requests().get(0);
            assertEquals("{\"data\":[{\"query\":\"sälës\",\"n\":1.5,"
                    + "\"big\":12345678901234567890}]}", sent.get("raw_body"));
        }
    }

    // ------------------------------------------------------------------ logging

    /** A System.Logger that keeps what it is given. */
    static final class Recorder implements System.Logger {
        final List<String> lines = Collections.synchronizedList(new ArrayList<>());
        final List<Level> levels = Collections.synchronizedList(new ArrayList<>());
        volatile Runnable onLog;

        @Override
        public String getName() {
            return "recorder";
        }

        @Override
        public boolean isLoggable(Level level) {
            return true;
        }

        @Override
        public void log(Level level, ResourceBundle bundle, String msg, Throwable thrown) {
            lines.add(msg);
            levels.add(level);
            Runnable r = onLog;
            if (r != null) {
                r.run();
            }
        }

        @Override
        public void log(Level level, ResourceBundle bundle, String format, Object... params) {
            log(level, bundle, format, (Throwable) null);
        }
    }

    @Test
    void logLinesGoToTheSystemLoggerWithoutSecrets() {
        Recorder rec = new Recorder();
        emu.fault("{\"fault\":\"server_error\"}");
        try (MimecastClient c = emu.client(MimecastClientOptions.builder().logger(rec).build())) {
            c.getAccount();
        }
        assertFalse(rec.lines.isEmpty());
        // The retry is a warning.
        assertTrue(rec.levels.contains(System.Logger.Level.WARNING), rec.levels.toString());
        for (String line : rec.lines) {
            assertNoSecret(line);
        }
        // log(false): nothing, even for a logger that takes everything.
        Recorder off = new Recorder();
        try (MimecastClient c = emu.client(
                MimecastClientOptions.builder().logger(off).log(false).build())) {
            c.getAccount();
        }
        assertTrue(off.lines.isEmpty());
        // logLevel(ERROR): only errors.
        Recorder errors = new Recorder();
        try (MimecastClient c = emu.client(MimecastClientOptions.builder().logger(errors)
                .logLevel(MimecastLogLevel.ERROR).maxRetries(0).build())) {
            c.getAccount();
            emu.fault("{\"fault\":\"unauthorized\"}");
            assertThrows(MimecastAuthenticationException.class, c::getAccount);
        }
        assertFalse(errors.lines.isEmpty());
        assertEquals(List.of(System.Logger.Level.ERROR),
                errors.levels.stream().distinct().toList());
    }

    @Test
    void aLogHandlerCannotReenterButCanClose() {
        Recorder rec = new Recorder();
        MimecastClient c = emu.client(MimecastClientOptions.builder().logger(rec).build());
        List<Throwable> seen = Collections.synchronizedList(new ArrayList<>());
        rec.onLog = () -> {
            try {
                c.getAccount();
            } catch (Throwable t) {
                seen.add(t);
            }
        };
        assertEquals("CUSA12A345", c.getAccount().accountCode()); // no deadlock, no crash
        assertFalse(seen.isEmpty());
        assertTrue(seen.stream().allMatch(t -> t instanceof IllegalStateException),
                seen.toString());
        rec.onLog = c::close; // closing from inside a call frees the client after it
        assertEquals("CUSA12A345", c.getAccount().accountCode());
        assertTrue(c.isClosed());
        assertThrows(IllegalStateException.class, c::getAccount);
    }

    // ------------------------------------------------------------------ threads and closing

    @Test
    void oneClientManyThreads() throws Exception {
        int threads = 8;
        int calls = 25;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try (MimecastClient c = emu.client()) {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<Integer>> done = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int n = t;
                done.add(pool.submit(() -> {
                    start.await();
                    int ok = 0;
                    for (int i = 0; i < calls; i++) {
                        switch ((n + i) % 3) {
                            case 0 -> ok += c.getAccount().accountCode()
                                    .equals("CUSA12A345") ? 1 : 0;
                            case 1 -> ok += c.request("/api/x/" + n).data().size();
                            default -> ok += c.sign("/api/x", null, "id-" + n + "-" + i)
                                    .requestId().equals("id-" + n + "-" + i) ? 1 : 0;
                        }
                    }
                    return ok;
                }));
            }
            start.countDown();
            int total = 0;
            for (Future<Integer> f : done) {
                total += f.get(120, TimeUnit.SECONDS);
            }
            assertEquals(threads * calls, total);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void closeWaitsForCallsInFlightThenRefusesNewOnes() throws Exception {
        MimecastClient c = emu.client();
        emu.fault("{\"fault\":\"slow\",\"delay_s\":1}");
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try {
            Future<Account> inFlight = pool.submit(c::getAccount);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (emu.requests().isEmpty() && System.nanoTime() < deadline) {
                Thread.sleep(20); // until the emulator holds the request (it answers after 1 s)
            }
            assertEquals(1, emu.requests().size());
            c.close();
            assertEquals("CUSA12A345", inFlight.get(30, TimeUnit.SECONDS).accountCode());
        } finally {
            pool.shutdownNow();
        }
        assertTrue(c.isClosed());
        IllegalStateException e = assertThrows(IllegalStateException.class, c::getAccount);
        assertTrue(e.getMessage().contains("closed"));
        assertThrows(IllegalStateException.class, () -> c.request("/api/x"));
        assertThrows(IllegalStateException.class, () -> c.sign("/api/x"));
        assertThrows(IllegalStateException.class, () -> c.pages("/api/x", null, 1));
        c.close(); // idempotent
        assertTrue(c.toString().endsWith(", closed]"), c.toString());
    }

    @Test
    void secretsAppearNowhere() {
        try (MimecastClient c = emu.client(MimecastClientOptions.builder().maxRetries(0).build())) {
            assertNoSecret(c.toString());
            assertNoSecret(c.sign("/api/account/get-account").toString());
            emu.fault("{\"fault\":\"unauthorized\"}");
            MimecastException e = assertThrows(MimecastException.class, c::getAccount);
            assertNoSecret(e.getMessage());
            assertNoSecret(e.toString());
        }
        MimecastException bad = assertThrows(MimecastInvalidCredentialsException.class,
                () -> MimecastClient.create(emu.url, Repo.KEYS.get("app_id"),
                        Repo.KEYS.get("app_key"), Repo.KEYS.get("access_key"),
                        "not base64! " + Repo.KEYS.get("access_key")));
        assertNoSecret(bad.getMessage());
    }
}
