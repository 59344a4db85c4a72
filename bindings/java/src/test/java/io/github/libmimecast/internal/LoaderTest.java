package io.github.libmimecast.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.jna.Platform;
import io.github.libmimecast.MimecastClient;
import io.github.libmimecast.Repo;
import io.github.libmimecast.Subprocess;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.jar.JarOutputStream;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Which library is loaded, from where, and what is said when none is found. */
class LoaderTest {
    @Test
    void resourcePathPerOperatingSystemAndArchitecture() {
        Map<List<String>, String> table = Map.of(
                List.of("Linux", "amd64"), "linux-x86-64/libmimecast.so",
                List.of("Linux", "x86_64"), "linux-x86-64/libmimecast.so",
                List.of("Linux", "aarch64"), "linux-aarch64/libmimecast.so",
                List.of("Windows 11", "amd64"), "win32-x86-64/mimecast.dll",
                List.of("Windows Server 2022", "x86_64"), "win32-x86-64/mimecast.dll",
                List.of("Windows 10", "aarch64"), "win32-aarch64/mimecast.dll",
                List.of("Mac OS X", "aarch64"), "darwin-aarch64/libmimecast.dylib",
                List.of("Mac OS X", "x86_64"), "darwin-x86-64/libmimecast.dylib",
                List.of("Linux", "i686"), "linux-x86/libmimecast.so",
                List.of("FreeBSD", "amd64"), "freebsd-x86-64/libmimecast.so");
        table.forEach((platform, path) ->
                assertEquals(path,
                        NativeLibraryLoader.resourcePath(platform.get(0), platform.get(1)),
                        platform.toString()));
    }

    @Test
    void theHostsPrefixIsJnas() {
        // JNA's own name for this platform: the layout the jar must follow.
        assertEquals(Platform.RESOURCE_PREFIX, NativeLibraryLoader.resourcePrefix(
                System.getProperty("os.name"), System.getProperty("os.arch")));
    }

    @Test
    void candidatesInOrder(@TempDir Path outside) {
        Path jarInRepo = Repo.path("target/java/mimecast.jar");
        List<String> inRepo = NativeLibraryLoader.candidates(null, "Linux", "amd64", jarInRepo)
                .stream().map(c -> c.path()).collect(Collectors.toList());
        assertEquals(List.of("linux-x86-64/libmimecast.so",
                Repo.path("target/release/libmimecast.so").toString(),
                Repo.path("target/debug/libmimecast.so").toString(),
                "mimecast"), inRepo);
        List<String> elsewhere = NativeLibraryLoader.candidates("", "Windows 11", "amd64",
                outside.resolve("app.jar")).stream().map(c -> c.path())
                .collect(Collectors.toList());
        assertEquals(List.of("win32-x86-64/mimecast.dll", "mimecast"), elsewhere);
        List<NativeLibraryLoader.Candidate> override = NativeLibraryLoader.candidates(
                "/opt/libmimecast.so", "Linux", "amd64", jarInRepo);
        assertEquals(1, override.size()); // an explicit override is never second-guessed
        assertEquals("$MIMECAST_LIBRARY", override.get(0).what());
    }

    @Test
    void theJarsOwnCopyIsLoaded() throws Exception {
        String loaded = MimecastClient.nativeLibraryPath();
        String override = System.getenv("MIMECAST_LIBRARY");
        if (override != null && !override.isEmpty()) {
            assertEquals(Path.of(override).toAbsolutePath().toString(), loaded);
            return;
        }
        assertFalse(loaded.startsWith(Repo.path("target/release").toString()), loaded);
        String resource = NativeLibraryLoader.resourcePath(System.getProperty("os.name"),
                System.getProperty("os.arch"));
        try (JarFile jar = new JarFile(System.getProperty("mimecast.jar"));
                InputStream in = jar.getInputStream(jar.getEntry(resource))) {
            assertArrayEquals(in.readAllBytes(), Files.readAllBytes(Path.of(loaded)));
        }
    }

    @Test
    void versionMismatchSaysBothVersionsAsEveryBindingDoes() {
        assertEquals(null, NativeLibraryLoader.versionMismatch("/x", NativeMethods.HEADER_VERSION));
        assertEquals("libmimecast at /opt/lib/libmimecast.so is version '9.9.9', but this binding"
                + " was generated from mimecast.h '" + NativeMethods.HEADER_VERSION
                + "': install matching versions (or point $MIMECAST_LIBRARY at the right build)",
                NativeLibraryLoader.versionMismatch("/opt/lib/libmimecast.so", "9.9.9"));
    }

    private static Subprocess probe(String classpath, Map<String, String> env) {
        return Subprocess.probe(classpath, env);
    }

    @Test
    @Tag("host-jvm")
    void mimecastLibraryOverrides() {
        String release = Repo.path("target/release/libmimecast.so").toString();
        String classpath = Subprocess.classpath(System.getProperty("mimecast.jar"));
        Subprocess ok = probe(classpath, Map.of("MIMECAST_LIBRARY", release));
        assertEquals(0, ok.exitCode, ok.toString());
        assertTrue(ok.stdout.contains("path " + release), ok.toString());
        Subprocess missing = probe(classpath,
                Map.of("MIMECAST_LIBRARY", "/nonexistent/libmimecast.so"));
        assertEquals(3, missing.exitCode, missing.toString());
        assertTrue(missing.stderr
                .contains("$MIMECAST_LIBRARY: /nonexistent/libmimecast.so (not found)"),
                missing.stderr);
        assertTrue(missing.stderr.contains("fix or unset it"), missing.stderr);
    }

    @Test
    @Tag("host-jvm")
    void aJarWithoutThisPlatformsLibrarySaysWhereItLooked(@TempDir Path dir) throws Exception {
        // A copy of the jar without its native libraries, outside the repository.
        Path stripped = dir.resolve("mimecast-nonative.jar");
        try (JarFile in = new JarFile(System.getProperty("mimecast.jar"));
                JarOutputStream out = new JarOutputStream(Files.newOutputStream(stripped))) {
            for (JarEntry e : java.util.Collections.list(in.entries())) {
                if (e.getName().matches("(linux|win32|darwin)-[^/]+/.*")) {
                    continue;
                }
                out.putNextEntry(new JarEntry(e.getName()));
                in.getInputStream(e).transferTo(out);
                out.closeEntry();
            }
        }
        Subprocess r = probe(Subprocess.classpath(stripped.toString()),
                Map.of("MIMECAST_LIBRARY", ""));
        String resource = NativeLibraryLoader.resourcePath(System.getProperty("os.name"),
                System.getProperty("os.arch"));
        if (r.exitCode == 0) {
            // A libmimecast installed on this machine (make install) answered JNA's search: it
            // must be that one, not the repository's build nor a copy from a jar.
            assertFalse(r.stdout.contains(Repo.ROOT.toString()), r.toString());
            assertFalse(r.stdout.contains("/JNA/"), r.toString());
            return;
        }
        assertEquals(3, r.exitCode, r.toString());
        assertTrue(r.stderr.startsWith("libmimecast could not be loaded. Looked in:"), r.stderr);
        assertTrue(r.stderr.contains("bundled in the jar: " + resource + " (not in the jar)"),
                r.stderr);
        assertTrue(r.stderr.contains("JNA's search"), r.stderr);
        // The copy is outside the repository: its builds are not candidates.
        assertFalse(r.stderr.contains("repository release build"), r.stderr);
        assertTrue(r.stderr.contains("set $MIMECAST_LIBRARY"), r.stderr);
    }
}
