package io.github.libmimecast;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** Runs a program (a JVM, Maven) and collects its output. */
public final class Subprocess {
    public final int exitCode;
    public final String stdout;
    public final String stderr;

    private Subprocess(int exitCode, String stdout, String stderr) {
        this.exitCode = exitCode;
        this.stdout = stdout;
        this.stderr = stderr;
    }

    /** The java launcher of this JVM. */
    public static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    /**
     * Runs {@code command} in {@code dir} with this process's environment minus every
     * MIMECAST_* variable but MIMECAST_LIBRARY, plus {@code env} (a null value removes).
     */
    public static Subprocess run(List<String> command, Path dir, Map<String, String> env,
            int timeoutSeconds) {
        ProcessBuilder pb = new ProcessBuilder(new ArrayList<>(command));
        if (dir != null) {
            pb.directory(dir.toFile());
        }
        pb.environment().keySet()
                .removeIf(k -> k.startsWith("MIMECAST_") && !k.equals("MIMECAST_LIBRARY"));
        env.forEach((k, v) -> {
            if (v == null) {
                pb.environment().remove(k);
            } else {
                pb.environment().put(k, v);
            }
        });
        try {
            Process p = pb.start();
            p.getOutputStream().close();
            CompletableFuture<String> out = CompletableFuture.supplyAsync(() -> read(p, false));
            CompletableFuture<String> err = CompletableFuture.supplyAsync(() -> read(p, true));
            if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new AssertionError(command + " did not finish in " + timeoutSeconds + " s");
            }
            return new Subprocess(p.exitValue(), out.join(), err.join());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** The test classpath pieces run-tests.sh passes: the jar, JNA, the test classes. */
    public static String classpath(String jar) {
        return String.join(java.io.File.pathSeparator, jar, System.getProperty("mimecast.jna"),
                System.getProperty("mimecast.test.classes"));
    }

    /** Runs {@link Probe} in a fresh JVM with {@code classpath}. */
    public static Subprocess probe(String classpath, Map<String, String> env) {
        return run(List.of(java(), "-cp", classpath, Probe.class.getName()), null, env, 60);
    }

    private static String read(Process p, boolean err) {
        try {
            return new String((err ? p.getErrorStream() : p.getInputStream()).readAllBytes(),
                    StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public String toString() {
        return "exit " + exitCode + "\n--- stdout\n" + stdout + "\n--- stderr\n" + stderr;
    }
}
