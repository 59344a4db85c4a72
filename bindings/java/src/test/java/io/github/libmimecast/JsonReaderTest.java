package io.github.libmimecast;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.libmimecast.internal.NativeMethods;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The JSON reader of response envelopes (the JDK has none). */
class JsonReaderTest {
    @Test
    void readsEveryKindOfValue() {
        Object v = JsonReader.parse(" {\"s\":"
                + "\"a\\\"\\\\\\/\\b\\f\\n\\r\\t\\u00e9\\ud83d\\ude00\",\"i\":-12,"
                + "\"l\":9223372036854775807,\"b\":9223372036854775808,\"d\":1.50,\"e\":3e1,"
                + "\"t\":true,\"f\":false,\"n\":null,\"a\":[1,[],{}],\"o\":{\"x\":{}}} ");
        Map<String, Object> expect = new LinkedHashMap<>();
        expect.put("s", "a\"\\/\b\f\n\r\té\uD83D\uDE00");
        expect.put("i", -12L);
        expect.put("l", Long.MAX_VALUE);
        expect.put("b", new BigInteger("9223372036854775808"));
        expect.put("d", new BigDecimal("1.50"));
        expect.put("e", new BigDecimal("3e1"));
        expect.put("t", true);
        expect.put("f", false);
        expect.put("n", null);
        expect.put("a", Arrays.asList(1L, List.of(), Map.of()));
        expect.put("o", Map.of("x", Map.of()));
        assertEquals(expect, v);
        assertEquals(List.copyOf(expect.keySet()), List.copyOf(((Map<?, ?>) v).keySet()));
        assertThrows(UnsupportedOperationException.class, () -> cast(v).put("z", 1));
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> cast(Object o) {
        return (Map<String, Object>) o;
    }

    @Test
    void refusesWhatIsNotJson() {
        for (String bad : List.of("", "{", "[1,]", "{\"a\" 1}", "01", "1.", "-", "1e", "\"a",
                "\"\\x\"", "\"\u0001\"", "tru", "nul", "[1 2]", "{} {}", "{\"a\":1,}", "'a'",
                "\"\\u12\"", "1e99999999999")) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> JsonReader.parse(bad), bad);
            assertTrue(e.getMessage().startsWith("invalid JSON at offset "), e.getMessage());
        }
    }

    @Test
    void nestsExactlyAsDeepAsTheCore() {
        int max = NativeMethods.MC_MAX_JSON_DEPTH;
        JsonReader.parse("[".repeat(max) + "]".repeat(max));
        assertThrows(IllegalArgumentException.class,
                () -> JsonReader.parse("[".repeat(max + 1) + "]".repeat(max + 1)));
        JsonReader.parse("{\"a\":".repeat(max) + "1" + "}".repeat(max));
        assertThrows(IllegalArgumentException.class,
                () -> JsonReader.parse("{\"a\":".repeat(max + 1) + "1" + "}".repeat(max + 1)));
    }

    @Test
    void writerRoundTrip() {
        Object v = JsonReader.parse("{\"a\":[\"x\\n\\u0001\",null,true,5]}");
        assertEquals(v, JsonReader.parse(JsonWriter.write(v)));
    }
}
