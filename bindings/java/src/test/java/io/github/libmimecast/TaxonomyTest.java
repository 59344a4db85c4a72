package io.github.libmimecast;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.libmimecast.internal.NativeLibraryLoader;
import io.github.libmimecast.internal.Utf8;
import java.lang.reflect.Modifier;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.jar.JarFile;
import org.junit.jupiter.api.Test;

/** The exception classes form exactly the tree of bindings/errors.json, shared with Python, C#
 * and PowerShell. */
class TaxonomyTest {
    private static Map<String, Object> kind(String name) {
        return Repo.errorKinds().stream().filter(k -> k.get("kind").equals(name)).findFirst()
                .orElseThrow();
    }

    @Test
    void classesFormTheTableTree() {
        for (Map<String, Object> k : Repo.errorKinds()) {
            Class<?> cls = Repo.javaClass(k);
            if (k.get("java") == null) {
                assertEquals(IllegalStateException.class, cls); // the closed client
                continue;
            }
            assertTrue(Modifier.isPublic(cls.getModifiers()), cls.getName());
            Class<?> parent = k.get("parent") == null ? RuntimeException.class
                    : Repo.javaClass(kind((String) k.get("parent")));
            assertEquals(parent, cls.getSuperclass(), cls.getName());
        }
    }

    @Test
    void everyExceptionOfTheJarIsInTheTable() throws Exception {
        Set<String> inTable = new TreeSet<>();
        for (Map<String, Object> k : Repo.errorKinds()) {
            if (k.get("java") != null) {
                inTable.add((String) k.get("java"));
            }
        }
        Set<String> inJar = new TreeSet<>();
        try (JarFile jar = new JarFile(System.getProperty("mimecast.jar"))) {
            for (String name : Collections.list(jar.entries()).stream().map(e -> e.getName())
                    .toList()) {
                if (name.matches("io/github/libmimecast/[A-Za-z]+\\.class")) {
                    Class<?> cls = Class.forName(name.replace('/', '.').replace(".class", ""));
                    if (Throwable.class.isAssignableFrom(cls)) {
                        inJar.add(cls.getSimpleName());
                    }
                }
            }
        }
        assertEquals(inTable, inJar);
    }

    @Test
    void everyStatusThrowsItsKind() {
        int failures = 0;
        for (MimecastStatus status : MimecastStatus.values()) {
            if (status == MimecastStatus.OK) {
                continue;
            }
            failures++;
            MimecastException e = ExceptionFactory.create(ErrorInfo.of(status, "m"));
            assertEquals(Repo.exceptionFor(status.nativeName()), e.getClass(), status.name());
            assertEquals(status, e.status());
            assertTrue(e.getMessage().startsWith("m ["), e.getMessage());
        }
        assertTrue(failures >= 17);
        MimecastException unknown = ExceptionFactory.create(
                new ErrorInfo(null, 999, "m", 0, null, null, -1, 0));
        assertEquals(MimecastException.class, unknown.getClass());
        assertEquals(999, unknown.statusValue());
    }

    @Test
    void bindingExpiredIsAnAuthenticationException() {
        // The decision recorded in the table: expired keys are refused credentials.
        assertTrue(MimecastAuthenticationException.class
                .isAssignableFrom(MimecastBindingExpiredException.class));
    }

    @Test
    void statusesAreTheHeadersAndNamedByTheLibrary() {
        for (MimecastStatus s : MimecastStatus.values()) {
            assertEquals(s, MimecastStatus.fromValue(s.value()).orElseThrow());
            assertEquals("MC_STATUS_" + s.name(), s.nativeName());
            assertEquals(s.nativeName(), Utf8.fromNative(
                    NativeLibraryLoader.get().mc_status_name(s.value())));
        }
        assertTrue(MimecastStatus.fromValue(-5).isEmpty());
        assertEquals(List.of("ERROR", "WARN", "INFO", "DEBUG"),
                List.of(MimecastLogLevel.values()).stream().map(Enum::name).toList());
        assertNotNull(MimecastLogLevel.fromValue(4).orElse(null));
    }
}
