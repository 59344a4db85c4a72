package io.github.libmimecast;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A successful Mimecast response envelope ({@code meta}, {@code data}; its {@code fail} array
 * was empty, or the call would have thrown).
 *
 * <p>{@link #rawJson()} is the body exactly as received; {@link #data()}, {@link #meta()} and
 * {@link #envelope()} read it once, on first use, into plain Java values (maps, lists, strings,
 * numbers, booleans, null: see {@link #envelope()}). Use {@code rawJson()} with your own JSON
 * library if you prefer typed objects.
 */
public final class MimecastResponse {
    private final String rawJson;
    private final String nextPageToken;
    private final int retryCount;
    private volatile Map<String, Object> envelope;

    MimecastResponse(String rawJson, String nextPageToken, int retryCount) {
        this.rawJson = Objects.requireNonNull(rawJson, "rawJson");
        this.nextPageToken = nextPageToken;
        this.retryCount = retryCount;
    }

    /**
     * The whole response body as received.
     *
     * @return JSON text
     */
    public String rawJson() {
        return rawJson;
    }

    /**
     * The envelope as Java values: objects are unmodifiable {@code Map<String, Object>} (in
     * document order), arrays unmodifiable {@code List<Object>}, strings {@code String}, whole
     * numbers {@code Long} (or {@code BigInteger} beyond 64 bits), other numbers
     * {@code BigDecimal} exactly as written, booleans {@code Boolean}, and JSON null is null.
     *
     * @return the envelope object
     * @throws MimecastMalformedResponseException if the body is not a JSON object (the library
     *     checked it already, so this would be a bug)
     */
    public Map<String, Object> envelope() {
        Map<String, Object> e = envelope;
        if (e == null) {
            Object value;
            try {
                value = JsonReader.parse(rawJson);
            } catch (IllegalArgumentException ex) {
                throw malformed("the response is not valid JSON: " + ex.getMessage());
            }
            if (!(value instanceof Map)) {
                throw malformed("the response is not a JSON object");
            }
            @SuppressWarnings("unchecked")
            Map<String, Object> map = (Map<String, Object>) value;
            envelope = e = map;
        }
        return e;
    }

    /**
     * The envelope's {@code data} array.
     *
     * @return the items (empty when absent or null)
     * @throws MimecastMalformedResponseException if {@code data} is not an array
     */
    @SuppressWarnings("unchecked")
    public List<Object> data() {
        Object data = envelope().get("data");
        if (data == null) {
            return List.of();
        }
        if (!(data instanceof List)) {
            throw malformed("the response's data is not an array");
        }
        return (List<Object>) data;
    }

    /**
     * The envelope's {@code meta} object.
     *
     * @return the object (empty when absent or not an object)
     */
    @SuppressWarnings("unchecked")
    public Map<String, Object> meta() {
        Object meta = envelope().get("meta");
        return meta instanceof Map ? (Map<String, Object>) meta : Map.of();
    }

    /**
     * For a page from {@link MimecastClient#requestPage}: the token of the next page.
     *
     * @return the token, or empty on the last page (and for other calls)
     */
    public Optional<String> nextPageToken() {
        return Optional.ofNullable(nextPageToken);
    }

    /**
     * How many retries the call needed.
     *
     * @return 0 when the first attempt succeeded
     */
    public int retryCount() {
        return retryCount;
    }

    /** The size of the body, not its content (which may hold sensitive data). */
    @Override
    public String toString() {
        return "MimecastResponse[" + rawJson.length() + " characters of JSON"
                + (nextPageToken != null ? ", more pages" : "") + "]";
    }

    private static MimecastMalformedResponseException malformed(String message) {
        return new MimecastMalformedResponseException(
                ErrorInfo.of(MimecastStatus.MALFORMED_RESPONSE, message));
    }
}
