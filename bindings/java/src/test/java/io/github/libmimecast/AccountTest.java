package io.github.libmimecast;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/** Get Account against the emulator, and tests/shared/account-numbers.json. */
class AccountTest extends EmulatorTest {
    @Test
    @SuppressWarnings("unchecked")
    void everyFieldIsTheServersValue() {
        try (MimecastClient c = emu.client()) {
            Account a = c.getAccount();
            assertEquals("Exämple Corp Ltd", a.accountName());
            assertEquals("CUSA12A345", a.accountCode());
            assertEquals(250L, a.userCount());
            // The oracle is the body the emulator sent: json is data[0], rawJson the whole body.
            Map<String, Object> body = (Map<String, Object>) JsonReader.parse(a.rawJson());
            Map<String, Object> sent =
                    (Map<String, Object>) ((List<Object>) body.get("data")).get(0);
            assertEquals(sent, JsonReader.parse(a.json()));
            assertEquals(sent.get("accountCode"), a.accountCode());
            assertEquals(sent.get("accountName"), a.accountName());
            assertEquals(sent.get("adminEmail"), a.adminEmail());
            assertEquals(sent.get("archive"), a.archive());
            assertEquals(sent.get("automatedSegmentPurge"), a.automatedSegmentPurge());
            assertEquals(sent.get("databaseCode"), a.databaseCode());
            assertEquals(sent.get("domain"), a.domain());
            assertEquals(sent.get("gateway"), a.gateway());
            assertEquals(sent.get("mailPlatform"), a.mailPlatform());
            assertEquals(sent.get("maxRetention"), a.maxRetention());
            assertEquals(sent.get("maxRetentionConfirmed"), a.maxRetentionConfirmed());
            assertEquals(sent.get("mimecastId"), a.mimecastId());
            assertEquals(sent.get("packages"), a.packages());
            assertEquals(sent.get("passphrase"), a.passphrase());
            assertEquals(sent.get("policyInheritance"), a.policyInheritance());
            assertEquals(sent.get("region"), a.region());
            assertEquals(sent.get("supportCode"), a.supportCode());
            assertEquals(sent.get("type"), a.type());
            assertEquals(sent.get("userCount"), a.userCount());
            assertTrue(a.packages().size() > 1);
        }
    }

    @Test
    void isImmutableAndHidesThePassphrase() {
        try (MimecastClient c = emu.client()) {
            Account a = c.getAccount();
            assertThrows(UnsupportedOperationException.class, () -> a.packages().add("x"));
            assertTrue(a.passphrase() != null && !a.passphrase().isEmpty());
            assertFalse(a.toString().contains(a.passphrase()), a.toString());
            assertTrue(a.toString().contains("CUSA12A345"));
            assertEquals(a, c.getAccount()); // a record: equal values, equal accounts
        }
    }

    @Test
    void absentFieldsAreNullOrFalse() {
        String body = "{\"meta\":{\"status\":200},\"data\":[{\"accountCode\":\"X1\"}],\"fail\":[]}";
        emu.rawBody(body);
        try (MimecastClient c = emu.noRetryClient()) {
            Account a = c.getAccount();
            assertEquals("X1", a.accountCode());
            assertEquals(null, a.accountName());
            assertEquals(null, a.userCount());
            assertEquals(null, a.maxRetention());
            assertFalse(a.archive());
            assertEquals(List.of(), a.packages());
            assertEquals("{\"accountCode\":\"X1\"}", a.json());
            assertEquals(body, a.rawJson());
        }
    }

    @TestFactory
    Stream<DynamicTest> accountNumbersFollowTheCoresRule() {
        List<Map<String, Object>> cases = Repo.cases("account-numbers.json");
        assertTrue(cases.size() >= 10);
        return cases.stream().map(k -> DynamicTest.dynamicTest((String) k.get("name"), () -> {
            try (MimecastClient c = emu.noRetryClient()) {
                check(c, k);
            }
        }));
    }

    private static void check(MimecastClient c, Map<String, Object> k) {
        String body = (String) k.get("body");
        emu.rawBody(body);
        if (k.containsKey("expect")) {
            @SuppressWarnings("unchecked")
            Map<String, Object> expect = (Map<String, Object>) k.get("expect");
            Account a = c.getAccount();
            assertEquals(expect.get("max_retention"), a.maxRetention());
            assertEquals(expect.get("user_count"), a.userCount());
            assertEquals("Exämple Corp Ltd", a.accountName());
            assertEquals(body, a.rawJson());
            assertTrue(body.contains(a.json()), a.json());
        } else {
            MimecastException e = assertThrows(MimecastException.class, c::getAccount);
            assertEquals(k.get("status"), e.status().nativeName());
            assertEquals(Repo.exceptionFor((String) k.get("status")), e.getClass());
            assertTrue(e.getMessage().contains((String) k.get("names")), e.getMessage());
        }
    }
}
