package io.github.libmimecast;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** One running tests/mimecast_emulator.py: the independent oracle of every suite. */
public final class Emulator implements AutoCloseable {
    private static final HttpClient HTTP = HttpClient.newBuilder()
            .connectTimeout(Duration.ofSeconds(10)).build();

    private final Process process;
    public final String url;
    public final String proxyUrl;

    public Emulator(String... args) {
        List<String> cmd = new ArrayList<>(List.of("python3",
                Repo.path("tests/mimecast_emulator.py").toString(), "--port", "0"));
        cmd.addAll(List.of(args));
        try {
            process = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD)
                    .start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        boolean proxy = cmd.contains("--proxy-port");
        BufferedReader out = new BufferedReader(
                new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        CompletableFuture<String[]> ready = CompletableFuture.supplyAsync(() -> {
            String base = null;
            String prox = null;
            try {
                while (base == null || (proxy && prox == null)) {
                    String line = out.readLine();
                    if (line == null) {
                        break;
                    }
                    if (line.startsWith("MIMECAST_EMULATOR_READY ")) {
                        base = line.substring(24).trim();
                    } else if (line.startsWith("MIMECAST_PROXY_READY ")) {
                        prox = line.substring(21).trim();
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return new String[] {base, prox};
        });
        String[] urls;
        try {
            urls = ready.get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            close();
            throw new IllegalStateException("the emulator did not start", e);
        }
        if (urls[0] == null) {
            close();
            throw new IllegalStateException("the emulator did not print its READY line");
        }
        url = urls[0];
        proxyUrl = urls[1];
        Thread drain = new Thread(() -> {
            try {
                while (out.readLine() != null) {
                    // keep the pipe empty so the emulator never blocks on it
                }
            } catch (IOException e) {
                // the emulator stopped
            }
        });
        drain.setDaemon(true);
        drain.start();
    }

    private String control(String method, String path, String body) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url + path))
                .timeout(Duration.ofSeconds(10)).header("Content-Type", "application/json");
        b = body == null ? b.GET() : b.method(method, HttpRequest.BodyPublishers.ofString(body));
        try {
            HttpResponse<String> r = HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() != 200) {
                throw new IllegalStateException("emulator control " + path + ": " + r.statusCode());
            }
            return r.body();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Queues a fault given as JSON text, e.g. {"fault":"rate_limited","reset_ms":1234}. */
    public void fault(String json) {
        control("POST", "/_emulator/faults", json);
    }

    /** Queues a fault of a shared table (a JSON object read by JsonReader). */
    public void fault(Map<String, Object> spec) {
        fault(JsonWriter.write(spec));
    }

    /** Makes the next answer exactly {@code body} (fault raw_body). */
    public void rawBody(String body) {
        fault(JsonWriter.write(Map.of("fault", "raw_body", "body", body)));
    }

    public void reset() {
        control("POST", "/_emulator/reset", "{}");
    }

    @SuppressWarnings("unchecked")
    public Map<String, Object> stats() {
        return (Map<String, Object>) JsonReader.parse(control("GET", "/_emulator/stats", null));
    }

    @SuppressWarnings("unchecked")
    public List<Map<String, Object>> requests() {
        return (List<Map<String, Object>>) JsonReader.parse(
                control("GET", "/_emulator/requests", null));
    }

    /** An API 1.0 client with the emulator's keys. */
    public MimecastClient client(MimecastClientOptions options) {
        return MimecastClient.create(url, Repo.KEYS.get("app_id"), Repo.KEYS.get("app_key"),
                Repo.KEYS.get("access_key"), Repo.KEYS.get("secret_key"), options);
    }

    public MimecastClient client() {
        return client(null);
    }

    /** A client that never retries (for fault tests). */
    public MimecastClient noRetryClient() {
        return client(MimecastClientOptions.builder().maxRetries(0).build());
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
