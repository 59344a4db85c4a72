package io.github.libmimecast;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.libmimecast.internal.NativeMethods;
import java.io.ByteArrayInputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.jar.Attributes;
import java.util.jar.JarFile;
import java.util.stream.Collectors;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;

/** What the jar, its POM and its sources and javadoc jars carry. */
class PackagingTest {
    private static final Path JAR = Path.of(System.getProperty("mimecast.jar"));
    private static final Path POM = Path.of(System.getProperty("mimecast.pom"));

    /** JNA prefix -> where build.sh takes the library from, and its machine type. */
    private static final Map<String, String> SOURCES = Map.of(
            "linux-x86-64/libmimecast.so", "target/release/libmimecast.so",
            "linux-aarch64/libmimecast.so",
            "target/aarch64-unknown-linux-gnu/release/libmimecast.so",
            "win32-x86-64/mimecast.dll", "target/x86_64-pc-windows-gnu/release/mimecast.dll");

    private static byte[] entry(JarFile jar, String name) throws Exception {
        return jar.getInputStream(jar.getEntry(name)).readAllBytes();
    }

    /** "ELF x86-64", "ELF aarch64", "PE x86-64" or what the file is. */
    static String machine(byte[] b) {
        ByteBuffer buf = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
        if (b.length > 20 && b[0] == 0x7f && b[1] == 'E' && b[2] == 'L' && b[3] == 'F') {
            int m = buf.getShort(18) & 0xffff;
            return m == 62 ? "ELF x86-64" : m == 183 ? "ELF aarch64" : "ELF " + m;
        }
        if (b.length > 0x40 && b[0] == 'M' && b[1] == 'Z') {
            int pe = buf.getInt(0x3c);
            if (buf.getInt(pe) == 0x00004550) {
                int m = buf.getShort(pe + 4) & 0xffff;
                return m == 0x8664 ? "PE x86-64" : "PE " + Integer.toHexString(m);
            }
        }
        return "unknown";
    }

    /** The names a library exports: ELF64 .dynsym functions, or a PE32+ export table. */
    static Set<String> exports(byte[] b) {
        ByteBuffer buf = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
        Set<String> names = new TreeSet<>();
        if (machine(b).startsWith("ELF")) {
            long shoff = buf.getLong(0x28);
            int shentsize = buf.getShort(0x3a) & 0xffff;
            int shnum = buf.getShort(0x3c) & 0xffff;
            for (int i = 0; i < shnum; i++) {
                int sh = (int) shoff + i * shentsize;
                if (buf.getInt(sh + 4) != 11) { // SHT_DYNSYM
                    continue;
                }
                int symOff = (int) buf.getLong(sh + 24);
                int symSize = (int) buf.getLong(sh + 32);
                int strSh = (int) shoff + buf.getInt(sh + 40) * shentsize;
                int strOff = (int) buf.getLong(strSh + 24);
                for (int sym = symOff; sym < symOff + symSize; sym += 24) {
                    boolean function = (buf.get(sym + 4) & 0xf) == 2;
                    boolean defined = buf.getShort(sym + 6) != 0;
                    if (function && defined) {
                        names.add(cString(b, strOff + buf.getInt(sym)));
                    }
                }
            }
        } else if (machine(b).startsWith("PE")) {
            int pe = buf.getInt(0x3c);
            int sections = buf.getShort(pe + 6) & 0xffff;
            int optional = pe + 24;
            int exportRva = buf.getInt(optional + 112); // data directory 0 of a PE32+ header
            int table = optional + (buf.getShort(pe + 20) & 0xffff);
            java.util.function.IntUnaryOperator offset = rva -> {
                for (int i = 0; i < sections; i++) {
                    int sec = table + i * 40;
                    int va = buf.getInt(sec + 12);
                    int size = Math.max(buf.getInt(sec + 8), buf.getInt(sec + 16));
                    if (rva >= va && rva < va + size) {
                        return rva - va + buf.getInt(sec + 20);
                    }
                }
                throw new IllegalArgumentException("RVA outside every section");
            };
            int dir = offset.applyAsInt(exportRva);
            int count = buf.getInt(dir + 24);
            int namesAt = offset.applyAsInt(buf.getInt(dir + 32));
            for (int i = 0; i < count; i++) {
                names.add(cString(b, offset.applyAsInt(buf.getInt(namesAt + 4 * i))));
            }
        }
        return names;
    }

    private static String cString(byte[] b, int at) {
        int end = at;
        while (b[end] != 0) {
            end++;
        }
        return new String(b, at, end - at, StandardCharsets.US_ASCII);
    }

    @Test
    void everyBundledLibraryExportsEveryDeclaredFunction() throws Exception {
        try (JarFile jar = new JarFile(JAR.toFile())) {
            int checked = 0;
            for (String n : SOURCES.keySet()) {
                if (jar.getEntry(n) == null) {
                    continue;
                }
                Set<String> missing = new TreeSet<>(NativeMethods.FUNCTION_NAMES);
                missing.removeAll(exports(entry(jar, n)));
                assertEquals(Set.of(), missing, n + " lacks functions of the header");
                checked++;
            }
            assertTrue(checked >= 1);
        }
        // The reader can fail: a library of another kind exports nothing it would accept.
        assertEquals(Set.of(), exports(new byte[64]));
    }

    @Test
    void nativeLibrariesUnderJnasLayoutForEveryBuildThatExists() throws Exception {
        Map<String, String> expectMachine = Map.of(
                "linux-x86-64/libmimecast.so", "ELF x86-64",
                "linux-aarch64/libmimecast.so", "ELF aarch64",
                "win32-x86-64/mimecast.dll", "PE x86-64");
        try (JarFile jar = new JarFile(JAR.toFile())) {
            Set<String> natives = Collections.list(jar.entries()).stream().map(e -> e.getName())
                    .filter(n -> n.matches("[a-z0-9]+-[a-z0-9-]+/.+\\.(so|dll|dylib)"))
                    .collect(Collectors.toCollection(TreeSet::new));
            Set<String> expected = new TreeSet<>();
            for (Map.Entry<String, String> s : SOURCES.entrySet()) {
                if (Files.isRegularFile(Repo.path(s.getValue()))) {
                    expected.add(s.getKey());
                }
            }
            assertEquals(expected, natives);
            for (String n : natives) {
                byte[] lib = entry(jar, n);
                assertEquals(expectMachine.get(n), machine(lib), n);
                byte[] built = Files.readAllBytes(Repo.path(SOURCES.get(n)));
                assertEquals(expectMachine.get(n), machine(built));
                assertTrue(lib.length > 100_000, n);
            }
        }
    }

    @Test
    void manifestLicencesAndMavenMetadata() throws Exception {
        String version = Repo.cargoVersion();
        assertEquals("mimecast-" + version + ".jar", JAR.getFileName().toString());
        try (JarFile jar = new JarFile(JAR.toFile())) {
            Attributes main = jar.getManifest().getMainAttributes();
            assertEquals(version, main.getValue("Implementation-Version"));
            assertEquals("io.github.libmimecast", main.getValue("Automatic-Module-Name"));
            for (String licence : List.of("LICENSE-MIT", "LICENSE-APACHE")) {
                Path atRoot = Repo.path(licence);
                if (Files.isRegularFile(atRoot)) {
                    assertEquals(Files.readString(atRoot),
                            new String(entry(jar, "META-INF/" + licence), StandardCharsets.UTF_8));
                } else {
                    assertEquals(null, jar.getEntry("META-INF/" + licence));
                }
            }
            String prefix = "META-INF/maven/io.github.libmimecast/mimecast/";
            assertEquals(Files.readString(POM),
                    new String(entry(jar, prefix + "pom.xml"), StandardCharsets.UTF_8));
            assertTrue(new String(entry(jar, prefix + "pom.properties"), StandardCharsets.UTF_8)
                    .contains("version=" + version + "\n"));
            for (String name : Collections.list(jar.entries()).stream().map(e -> e.getName())
                    .toList()) {
                assertFalse(name.endsWith("Test.class") || name.contains("Probe"), name);
                assertFalse(name.endsWith(".java"), name);
            }
        }
    }

    private static String text(Element parent, String tag) {
        return parent.getElementsByTagName(tag).item(0).getTextContent().trim();
    }

    @Test
    void thePomNamesTheArtifactAndItsOneDependency() throws Exception {
        DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
        f.setNamespaceAware(false);
        Document pom = f.newDocumentBuilder()
                .parse(new ByteArrayInputStream(Files.readAllBytes(POM)));
        Element project = pom.getDocumentElement();
        assertEquals("project", project.getTagName());
        assertEquals("io.github.libmimecast", text(project, "groupId"));
        assertEquals("mimecast", text(project, "artifactId"));
        assertEquals(Repo.cargoVersion(), text(project, "version"));
        assertEquals(1, pom.getElementsByTagName("dependency").getLength());
        Element jna = (Element) pom.getElementsByTagName("dependency").item(0);
        assertEquals("net.java.dev.jna", text(jna, "groupId"));
        assertEquals("jna", text(jna, "artifactId"));
        assertTrue(pom.getElementsByTagName("license").getLength() >= 1);
        assertFalse(Files.readString(POM).contains("@"), "an unfilled field");
    }

    @Test
    void sourcesAndJavadocJars() throws Exception {
        String base = JAR.toString().replace(".jar", "");
        try (JarFile sources = new JarFile(base + "-sources.jar");
                JarFile javadoc = new JarFile(base + "-javadoc.jar")) {
            assertTrue(sources.getEntry("io/github/libmimecast/MimecastClient.java") != null);
            assertTrue(sources.getEntry("io/github/libmimecast/internal/NativeMethods.java")
                    != null);
            assertTrue(javadoc.getEntry("index.html") != null);
            assertTrue(javadoc.getEntry("io/github/libmimecast/MimecastClient.html") != null);
            // The internal package is not API: not documented.
            assertTrue(javadoc.getEntry("io/github/libmimecast/internal/NativeMethods.html")
                    == null);
        }
    }
}
