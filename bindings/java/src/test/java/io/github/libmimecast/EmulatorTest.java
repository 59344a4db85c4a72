package io.github.libmimecast;

import static org.junit.jupiter.api.Assertions.assertFalse;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;

/** Base of the tests that talk to the emulator: one per test class, reset before each test. */
abstract class EmulatorTest {
    static Emulator emu;

    @BeforeAll
    static void startEmulator() {
        emu = new Emulator("--proxy-port", "0");
    }

    @AfterAll
    static void stopEmulator() {
        emu.close();
    }

    @BeforeEach
    void resetEmulator() {
        emu.reset();
    }

    static void assertNoSecret(String text) {
        for (String secret : Repo.SECRETS) {
            assertFalse(text.contains(secret), "a secret appears in: " + text);
        }
    }
}
