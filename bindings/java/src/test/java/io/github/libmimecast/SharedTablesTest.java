package io.github.libmimecast;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.libmimecast.internal.NativeMethods;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/** tests/shared/faults.json and json-depth.json, exactly as every other suite runs them. */
class SharedTablesTest extends EmulatorTest {
    @TestFactory
    @SuppressWarnings("unchecked")
    Stream<DynamicTest> everyFaultRaisesTheClassOfItsStatus() {
        List<Map<String, Object>> cases = Repo.cases("faults.json");
        assertTrue(cases.size() >= 15);
        return cases.stream().map(k -> DynamicTest.dynamicTest((String) k.get("name"), () -> {
            emu.reset();
            MimecastClientOptions.Builder b = MimecastClientOptions.builder().maxRetries(0);
            Map<String, Object> options = (Map<String, Object>) k.getOrDefault("options", Map.of());
            if (options.containsKey("timeout_ms")) {
                b.timeout(Duration.ofMillis((Long) options.get("timeout_ms")));
            }
            if (options.containsKey("max_response_bytes")) {
                b.maxResponseBytes((Long) options.get("max_response_bytes"));
            }
            try (MimecastClient c = emu.client(b.build())) {
                emu.fault((Map<String, Object>) k.get("fault"));
                MimecastException e = assertThrows(MimecastException.class, () -> {
                    if (k.get("call").equals("account")) {
                        c.getAccount();
                    } else {
                        c.request("/api/some/endpoint", "{\"data\":[]}");
                    }
                });
                String status = (String) k.get("status");
                assertEquals(Repo.exceptionFor(status), e.getClass());
                assertEquals(status, e.status().nativeName());
                assertEquals(e.status().value(), e.statusValue());
                if (k.containsKey("http_status")) {
                    assertEquals(((Long) k.get("http_status")).intValue(), e.httpStatus());
                }
                if (k.containsKey("code")) {
                    assertEquals(k.get("code"), e.errorCode().orElse(null));
                }
                if (k.containsKey("api_message")) {
                    assertEquals(k.get("api_message"), e.apiMessage().orElse(null));
                }
                if (k.containsKey("retry_after_ms")) {
                    assertEquals(Duration.ofMillis((Long) k.get("retry_after_ms")),
                            e.retryAfter().orElse(null));
                }
                assertEquals(0, e.retries());
                assertNoSecret(e.getMessage());
                // The client works again after each case.
                assertEquals("CUSA12A345", c.getAccount().accountCode());
            }
        }));
    }

    private static int depthOf(Object value) {
        if (value instanceof Long n) {
            return n.intValue();
        }
        return switch ((String) value) {
            case "MC_MAX_JSON_DEPTH" -> NativeMethods.MC_MAX_JSON_DEPTH;
            case "MC_MAX_JSON_DEPTH + 1" -> NativeMethods.MC_MAX_JSON_DEPTH + 1;
            default -> throw new IllegalArgumentException("unknown depth " + value);
        };
    }

    @Test
    void jsonNestingIsTheCores() {
        try (MimecastClient c = emu.noRetryClient()) {
            for (Map<String, Object> k : Repo.cases("json-depth.json")) {
                int depth = depthOf(k.get("depth"));
                String inner = "[".repeat(depth - 1) + "]".repeat(depth - 1);
                emu.rawBody("{\"meta\":{\"status\":200},\"fail\":[],\"data\":" + inner + "}");
                if (k.get("status").equals("MC_STATUS_OK")) {
                    List<Object> data = c.request("/api/x/y").data();
                    for (int i = 0; i < depth - 2; i++) { // down to the innermost array
                        assertEquals(1, data.size(), "depth " + depth);
                        @SuppressWarnings("unchecked")
                        List<Object> next = (List<Object>) data.get(0);
                        data = next;
                    }
                    assertEquals(List.of(), data);
                } else {
                    MimecastException e = assertThrows(MimecastException.class,
                            () -> c.request("/api/x/y"));
                    assertEquals(k.get("status"), e.status().nativeName());
                }
            }
        }
    }

    @Test
    void deepPagesAreReadToo() {
        try (MimecastClient c = emu.noRetryClient()) {
            emu.rawBody("{\"meta\":{\"status\":200},\"fail\":[],\"data\":["
                    + "[".repeat(98) + "]".repeat(98) + "]}");
            try (Stream<Object> items = c.paginate("/api/audit/get-audit-events", null, 5)) {
                assertEquals(1, items.count());
            }
        }
    }
}
