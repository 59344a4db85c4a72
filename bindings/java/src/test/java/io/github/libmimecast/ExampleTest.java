package io.github.libmimecast;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The jar as a Maven user gets it: installed with its POM into a Maven repository, then
 * examples/java built by Maven against it (resolving JNA through the POM), and run against the
 * emulator; and the README's single-file way to run it. Maven runs with Debian's repository
 * (/usr/share/maven-repo) as its only remote, so nothing is downloaded.
 */
@Tag("host-jvm")
class ExampleTest extends EmulatorTest {
    private static final String VERSION = Repo.cargoVersion();

    private static Map<String, String> credentials() {
        Map<String, String> env = new HashMap<>();
        env.put("MIMECAST_BASE_URL", emu.url);
        env.put("MIMECAST_APP_ID", Repo.KEYS.get("app_id"));
        env.put("MIMECAST_APP_KEY", Repo.KEYS.get("app_key"));
        env.put("MIMECAST_ACCESS_KEY", Repo.KEYS.get("access_key"));
        env.put("MIMECAST_SECRET_KEY", Repo.KEYS.get("secret_key"));
        return env;
    }

    private static Subprocess mvn(Path dir, Path settings, Path repo, String... args) {
        List<String> cmd = new ArrayList<>(List.of("mvn", "-B", "-q", "-s", settings.toString(),
                "-Dmaven.repo.local=" + repo));
        cmd.addAll(List.of(args));
        Subprocess r = Subprocess.run(cmd, dir, Map.of(), 600);
        assertEquals(0, r.exitCode, r.toString());
        return r;
    }

    private static void assertPrintsTheAccount(Subprocess r) {
        assertEquals(0, r.exitCode, r.toString());
        assertTrue(r.stdout.contains("Exämple Corp Ltd (CUSA12A345), 250 users"), r.toString());
        assertFalse(r.stdout.contains("Ventilator-Harbour-42"), "the passphrase was printed");
        assertNoSecret(r.stdout + r.stderr);
    }

    @Test
    void installedWithMavenThenBuiltAndRun(@TempDir Path tmp) throws Exception {
        Path settings = tmp.resolve("settings.xml");
        Files.writeString(settings, "<settings><mirrors><mirror><id>debian</id>"
                + "<mirrorOf>*</mirrorOf><url>file:///usr/share/maven-repo</url>"
                + "</mirror></mirrors></settings>");
        Path repo = tmp.resolve("repository");
        Path jar = Path.of(System.getProperty("mimecast.jar"));
        String base = jar.toString().replace(".jar", "");
        mvn(tmp, settings, repo, "org.apache.maven.plugins:maven-install-plugin:3.1.0:install-file",
                "-Dfile=" + jar, "-DpomFile=" + System.getProperty("mimecast.pom"),
                "-Dsources=" + base + "-sources.jar", "-Djavadoc=" + base + "-javadoc.jar");

        Path installed = repo.resolve("io/github/libmimecast/mimecast/" + VERSION);
        assertArrayEquals(Files.readAllBytes(jar),
                Files.readAllBytes(installed.resolve("mimecast-" + VERSION + ".jar")));
        assertTrue(Files.isRegularFile(installed.resolve("mimecast-" + VERSION + ".pom")));
        assertTrue(Files.isRegularFile(installed.resolve("mimecast-" + VERSION + "-sources.jar")));
        assertTrue(Files.isRegularFile(installed.resolve("mimecast-" + VERSION + "-javadoc.jar")));

        // examples/java, as a user has it: its pom.xml names the jar by Cargo.toml's version.
        Path example = tmp.resolve("example");
        Files.createDirectories(example);
        for (String f : List.of("pom.xml", "GetAccount.java", "SignOnly.java")) {
            Files.copy(Repo.path("examples/java/" + f), example.resolve(f));
        }
        assertTrue(Files.readString(example.resolve("pom.xml"))
                .contains("<artifactId>mimecast</artifactId>\n      <version>" + VERSION
                        + "</version>"),
                "examples/java/pom.xml must name version " + VERSION);
        mvn(example, settings, repo, "compile");
        Path jna = repo.resolve("net/java/dev/jna/jna/5.13.0/jna-5.13.0.jar");
        assertTrue(Files.isRegularFile(jna), "Maven did not resolve JNA through the POM");

        String classpath = String.join(File.pathSeparator,
                example.resolve("target/classes").toString(),
                installed.resolve("mimecast-" + VERSION + ".jar").toString(), jna.toString());
        List<String> getAccount = List.of(Subprocess.java(), "-cp", classpath, "GetAccount");
        assertPrintsTheAccount(Subprocess.run(getAccount, tmp, credentials(), 60));

        Subprocess unset = Subprocess.run(getAccount, tmp, Map.of(), 60);
        assertEquals(2, unset.exitCode, unset.toString());
        assertTrue(unset.stderr.contains("MIMECAST_"), unset.stderr);

        Subprocess signOnly = Subprocess.run(
                List.of(Subprocess.java(), "-cp", classpath, "SignOnly"), tmp, credentials(), 60);
        assertEquals(0, signOnly.exitCode, signOnly.toString());
        assertTrue(signOnly.stdout.contains("HTTP 200"), signOnly.stdout);
        assertTrue(signOnly.stdout.contains("CUSA12A345"), signOnly.stdout);
        assertTrue(signOnly.stdout.contains("\"********\""), signOnly.stdout);
        assertTrue(signOnly.stdout.contains("MC <redacted>"), signOnly.stdout);
        assertFalse(signOnly.stdout.contains("Ventilator-Harbour-42"), signOnly.stdout);
        assertNoSecret(signOnly.stdout + signOnly.stderr);
    }

    @Test
    void runsAsASingleSourceFileAsTheReadmeSays() {
        String classpath = String.join(File.pathSeparator, System.getProperty("mimecast.jar"),
                System.getProperty("mimecast.jna"));
        String source = Repo.path("examples/java/GetAccount.java").toString();
        assertPrintsTheAccount(Subprocess.run(List.of(Subprocess.java(), "-cp", classpath, source),
                Repo.ROOT, credentials(), 120));
    }
}
