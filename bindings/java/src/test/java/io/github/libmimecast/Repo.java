package io.github.libmimecast;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.Map;

/**
 * The repository the tests run in and the tables every language's suite reads
 * (tests/shared/, tests/vectors/, bindings/errors.json).
 */
public final class Repo {
    /** The repository root: -Dmimecast.repo.root, else found upwards from the working directory. */
    public static final Path ROOT = find();

    private Repo() {
    }

    private static Path find() {
        String prop = System.getProperty("mimecast.repo.root");
        if (prop != null) {
            return Paths.get(prop).toAbsolutePath();
        }
        for (Path p = Paths.get("").toAbsolutePath(); p != null; p = p.getParent()) {
            if (Files.isRegularFile(p.resolve("Cargo.toml"))
                    && Files.isRegularFile(p.resolve("tests/mimecast_emulator.py"))) {
                return p;
            }
        }
        throw new IllegalStateException("repository root not found: set -Dmimecast.repo.root");
    }

    public static Path path(String relative) {
        return ROOT.resolve(relative);
    }

    public static String read(String relative) {
        try {
            return Files.readString(path(relative), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A JSON file of the repository, read with the binding's reader (see JsonReaderTest). */
    @SuppressWarnings("unchecked")
    public static Map<String, Object> json(String relative) {
        return (Map<String, Object>) JsonReader.parse(read(relative));
    }

    /** A table of tests/shared/ (the same data every language's suite reads). */
    public static Map<String, Object> shared(String name) {
        return json("tests/shared/" + name);
    }

    @SuppressWarnings("unchecked")
    public static List<Map<String, Object>> cases(String sharedName) {
        return (List<Map<String, Object>>) shared(sharedName).get("cases");
    }

    /** The emulator's built-in keys (tests/shared/emulator-keys.json). */
    @SuppressWarnings("unchecked")
    public static final Map<String, String> KEYS =
            (Map<String, String>) shared("emulator-keys.json").get("keys");

    /** Values that must never appear in a message, a log line or a toString(). */
    public static final List<String> SECRETS = List.of(KEYS.get("app_key"),
            KEYS.get("access_key"), KEYS.get("secret_key"), KEYS.get("client_secret"));

    /** The kinds of bindings/errors.json, the taxonomy every binding shares. */
    @SuppressWarnings("unchecked")
    public static List<Map<String, Object>> errorKinds() {
        return (List<Map<String, Object>>) json("bindings/errors.json").get("kinds");
    }

    /** The Java class bindings/errors.json assigns to an mc_status name. */
    public static Class<?> exceptionFor(String status) {
        for (Map<String, Object> kind : errorKinds()) {
            if (((List<?>) kind.get("statuses")).contains(status)) {
                return javaClass(kind);
            }
        }
        throw new IllegalArgumentException("no kind claims " + status);
    }

    public static Class<?> javaClass(Map<String, Object> kind) {
        String name = (String) kind.get("java");
        try {
            return name != null ? Class.forName("io.github.libmimecast." + name)
                    : Class.forName((String) kind.get("java_platform"));
        } catch (ClassNotFoundException e) {
            throw new AssertionError("no class for kind " + kind.get("kind"), e);
        }
    }

    /** Cargo.toml's version. */
    public static String cargoVersion() {
        for (String line : read("Cargo.toml").split("\n")) {
            if (line.startsWith("version")) {
                return line.replaceAll("^version\\s*=\\s*\"([^\"]+)\".*$", "$1");
            }
        }
        throw new IllegalStateException("no version in Cargo.toml");
    }
}
