package io.github.libmimecast;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * The headers that authenticate an API 1.0 request, from {@link MimecastClient#sign}. Send them
 * with {@code Content-Type: application/json} and {@code Accept: application/json} (both in
 * {@link #toMap()}).
 *
 * <p>{@link #toString()} hides the Authorization value, which contains the access key, so
 * printing or logging the headers is safe.
 *
 * @param authorization value of the {@code Authorization} header,
 *     {@code MC <access key>:<signature>}; contains the access key: do not log it
 * @param date value of the {@code x-mc-date} header, e.g. {@code Tue, 24 Nov 2015 12:50:11 UTC}
 * @param requestId value of the {@code x-mc-req-id} header (the request id that was signed)
 * @param appId value of the {@code x-mc-app-id} header (the application id)
 */
public record SignedHeaders(String authorization, String date, String requestId, String appId) {
    /**
     * Headers with these values, none of them null.
     *
     * @param authorization see {@link #authorization()}
     * @param date see {@link #date()}
     * @param requestId see {@link #requestId()}
     * @param appId see {@link #appId()}
     */
    public SignedHeaders {
        Objects.requireNonNull(authorization, "authorization");
        Objects.requireNonNull(date, "date");
        Objects.requireNonNull(requestId, "requestId");
        Objects.requireNonNull(appId, "appId");
    }

    /**
     * All six request headers by name, in this order: Authorization, x-mc-date, x-mc-req-id,
     * x-mc-app-id, Content-Type, Accept (e.g. for {@code HttpRequest.Builder.header}).
     *
     * @return an unmodifiable map
     */
    public Map<String, String> toMap() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("Authorization", authorization);
        m.put("x-mc-date", date);
        m.put("x-mc-req-id", requestId);
        m.put("x-mc-app-id", appId);
        m.put("Content-Type", "application/json");
        m.put("Accept", "application/json");
        return Collections.unmodifiableMap(m);
    }

    /** The headers with the Authorization value redacted. */
    @Override
    public String toString() {
        return "SignedHeaders[Authorization=MC <redacted>, x-mc-date=" + date + ", x-mc-req-id="
                + requestId + ", x-mc-app-id=" + appId + "]";
    }
}
