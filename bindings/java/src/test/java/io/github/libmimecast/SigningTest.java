package io.github.libmimecast;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/** tests/vectors/signing.json (made with Python's hmac, independent of the library), and the
 * signed headers used by an HTTP client of the JDK against the emulator, which checks them. */
class SigningTest extends EmulatorTest {
    @SuppressWarnings("unchecked")
    private static List<Map<String, String>> section(String name) {
        return (List<Map<String, String>>) Repo.json("tests/vectors/signing.json").get(name);
    }

    @Test
    void theVectorFileHasEnoughCases() {
        assertTrue(section("vectors").size() >= 10);
        assertTrue(section("invalid").size() >= 5);
    }

    @TestFactory
    Stream<DynamicTest> signMatchesEverySharedVector() {
        return section("vectors").stream().map(v -> DynamicTest.dynamicTest(v.get("name"), () -> {
            try (MimecastClient c = MimecastClient.create("eu", v.get("app_id"), v.get("app_key"),
                    v.get("access_key"), v.get("secret_key"))) {
                SignedHeaders h = c.sign(v.get("path"), v.get("date"), v.get("request_id"));
                assertEquals(v.get("authorization"), h.authorization());
                assertEquals(v.get("date"), h.date());
                assertEquals(v.get("request_id"), h.requestId());
                assertEquals(v.get("app_id"), h.appId());
            }
        }));
    }

    @TestFactory
    Stream<DynamicTest> invalidSecretsAreRefusedBeforeSending() {
        return section("invalid").stream().map(v -> DynamicTest.dynamicTest(v.get("name"), () -> {
            String secret = v.get("secret_key");
            MimecastException e = assertThrows(MimecastException.class,
                    () -> MimecastClient.create("eu", Repo.KEYS.get("app_id"),
                            Repo.KEYS.get("app_key"), Repo.KEYS.get("access_key"), secret));
            Class<?> expected = v.get("error").equals("invalid_credentials")
                    ? MimecastInvalidCredentialsException.class
                    : MimecastInvalidArgumentException.class;
            assertEquals(expected, e.getClass());
            if (!secret.isEmpty()) {
                assertFalse(e.getMessage().contains(secret), e.getMessage());
            }
        }));
    }

    @Test
    void withoutDateAndIdSignsNowWithAFreshUuid() {
        try (MimecastClient c = emu.client()) {
            SignedHeaders a = c.sign("/api/account/get-account");
            SignedHeaders b = c.sign("/api/account/get-account");
            assertNotEquals(a.requestId(), b.requestId());
            UUID.fromString(a.requestId());
            // The documented format: UTC, zero-padded day (what Mimecast's Java sample gets wrong).
            assertTrue(a.date().matches(
                    "[A-Z][a-z]{2}, \\d{2} [A-Z][a-z]{2} \\d{4} \\d{2}:\\d{2}:\\d{2} UTC"),
                    a.date());
            assertEquals(Repo.KEYS.get("app_id"), a.appId());
            assertTrue(a.authorization().startsWith("MC " + Repo.KEYS.get("access_key") + ":"));
        }
    }

    @Test
    void theEmulatorAcceptsTheHeadersFromTheJdksHttpClient() throws Exception {
        try (MimecastClient c = emu.client()) {
            SignedHeaders h = c.sign("/api/account/get-account");
            URI uri = URI.create(emu.url + "/api/account/get-account");
            HttpRequest.Builder req = HttpRequest.newBuilder(uri)
                    .POST(HttpRequest.BodyPublishers.ofString("{\"data\":[]}"));
            h.toMap().forEach(req::header);
            HttpResponse<String> r = HttpClient.newHttpClient().send(req.build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, r.statusCode(), r.body());
            assertTrue(r.body().contains("CUSA12A345"));
            // A wrong signature is refused by the same oracle, so this can fail.
            HttpRequest.Builder bad = HttpRequest.newBuilder(uri)
                    .POST(HttpRequest.BodyPublishers.ofString("{\"data\":[]}"));
            h.toMap().forEach((k, val) -> bad.header(k,
                    k.equals("x-mc-req-id") ? UUID.randomUUID().toString() : val));
            assertEquals(401, HttpClient.newHttpClient().send(bad.build(),
                    HttpResponse.BodyHandlers.ofString()).statusCode());
        }
    }

    @Test
    void headersMapAndRedactedToString() {
        try (MimecastClient c = emu.client()) {
            SignedHeaders h = c.sign("/api/account/get-account");
            assertEquals(List.of("Authorization", "x-mc-date", "x-mc-req-id", "x-mc-app-id",
                    "Content-Type", "Accept"), List.copyOf(h.toMap().keySet()));
            assertEquals("application/json", h.toMap().get("Accept"));
            assertFalse(h.toString().contains(h.authorization()));
            assertTrue(h.toString().contains("MC <redacted>"));
            assertTrue(h.toString().contains(h.requestId()));
            assertNoSecret(h.toString());
        }
    }

    @Test
    void signingIsUnsupportedForOAuthClients() {
        try (MimecastClient c = MimecastClient.forOAuth(Repo.KEYS.get("client_id"),
                Repo.KEYS.get("client_secret"), emu.url, null)) {
            MimecastUnsupportedException e = assertThrows(MimecastUnsupportedException.class,
                    () -> c.sign("/api/account/get-account"));
            assertEquals(MimecastStatus.UNSUPPORTED, e.status());
        }
    }

    @Test
    void aFullUrlIsNotAPath() {
        try (MimecastClient c = emu.client()) {
            assertThrows(MimecastInvalidArgumentException.class,
                    () -> c.sign(emu.url + "/api/account/get-account"));
            assertThrows(NullPointerException.class, () -> c.sign(null));
        }
    }
}
