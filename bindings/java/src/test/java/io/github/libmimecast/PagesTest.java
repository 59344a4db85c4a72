package io.github.libmimecast;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** Paging through the core's pager: the emulator serves 7 audit events. */
class PagesTest extends EmulatorTest {
    private static final String EVENTS = "/api/audit/get-audit-events";

    @SuppressWarnings("unchecked")
    private static String id(Object item) {
        return String.valueOf(((Map<String, Object>) item).get("id"));
    }

    @Test
    void everyPageOnceThenStop() {
        try (MimecastClient c = emu.client(); Pages pages = c.pages(EVENTS, null, 3)) {
            List<Integer> sizes = new ArrayList<>();
            List<String> ids = new ArrayList<>();
            for (MimecastResponse page : pages) {
                sizes.add(page.data().size());
                page.data().forEach(item -> ids.add(id(item)));
                assertEquals(200L, page.meta().get("status"));
            }
            assertEquals(List.of(3, 3, 1), sizes);
            assertEquals(7, ids.stream().distinct().count());
            assertEquals(3, emu.requests().size()); // one request per page, none after the last
        }
    }

    @Test
    void paginateStreamsTheItems() {
        try (MimecastClient c = emu.client();
                Stream<Object> items = c.paginate(EVENTS, "{\"data\":[]}", 2)) {
            List<String> ids = items.map(PagesTest::id).collect(Collectors.toList());
            assertEquals(7, ids.size());
            assertEquals(7, ids.stream().distinct().count());
        }
    }

    @Test
    void theRequestsCarryPageSizeAndToken() {
        try (MimecastClient c = emu.client(); Pages pages = c.pages(EVENTS, null, 4)) {
            assertEquals(2, pages.stream().count());
            List<Map<String, Object>> log = emu.requests();
            @SuppressWarnings("unchecked")
            Map<String, Object> first = (Map<String, Object>) ((Map<String, Object>)
                    ((Map<String, Object>) log.get(0).get("body")).get("meta")).get("pagination");
            assertEquals(4L, first.get("pageSize"));
            assertEquals(null, first.get("pageToken"));
            @SuppressWarnings("unchecked")
            Map<String, Object> second = (Map<String, Object>) ((Map<String, Object>)
                    ((Map<String, Object>) log.get(1).get("body")).get("meta")).get("pagination");
            assertTrue(second.get("pageToken") instanceof String);
        }
    }

    @Test
    void aCycleOfPageTokensEndsThePull() {
        emu.fault("{\"fault\":\"page_cycle\",\"page\":3,\"back_to\":2}");
        try (MimecastClient c = emu.client(); Pages pages = c.pages(EVENTS, null, 1)) {
            Iterator<MimecastResponse> it = pages.iterator();
            int seen = 0;
            MimecastMalformedResponseException e = null;
            while (e == null) {
                try {
                    if (!it.hasNext()) {
                        break;
                    }
                    it.next();
                    seen++;
                } catch (MimecastMalformedResponseException ex) {
                    e = ex;
                }
            }
            assertTrue(e != null, "the cycle was not detected");
            assertEquals(MimecastStatus.MALFORMED_RESPONSE, e.status());
            // Pages 1, 2 and 3 arrive; page 3 names page 2's token again, so the pull ends at
            // the next call instead of looping (A -> B -> A), without a fourth request.
            assertEquals(3, seen);
            assertEquals(3, emu.requests().size());
            assertTrue(e.getMessage().contains("token"), e.getMessage());
        }
    }

    @Test
    void aFailInAPageThrows() {
        emu.fault("{\"fault\":\"page_fail\",\"page\":2,\"code\":\"err_page\"}");
        try (MimecastClient c = emu.client(); Stream<Object> items = c.paginate(EVENTS, null, 3)) {
            MimecastApiFailureException e = assertThrows(MimecastApiFailureException.class,
                    () -> items.count());
            assertEquals("err_page", e.errorCode().orElse(null));
        }
    }

    @Test
    void requestPageByHand() {
        try (MimecastClient c = emu.client()) {
            String token = null;
            int items = 0;
            int pages = 0;
            do {
                MimecastResponse page = c.requestPage(EVENTS, null, 3, token);
                items += page.data().size();
                pages++;
                token = page.nextPageToken().orElse(null);
            } while (token != null);
            assertEquals(7, items);
            assertEquals(3, pages);
        }
    }

    @Test
    void iteratedOnceAndNotAfterClose() {
        try (MimecastClient c = emu.client()) {
            Pages pages = c.pages(EVENTS, null, 3);
            pages.iterator();
            assertThrows(IllegalStateException.class, pages::iterator);
            pages.close();
            pages.close(); // idempotent
            Pages other = c.pages(EVENTS, null, 3);
            other.close();
            assertThrows(IllegalStateException.class, other::iterator);
            assertEquals(0, emu.requests().size()); // making a pager sends nothing
        }
    }

    @Test
    void aClosedClientEndsThePull() {
        MimecastClient c = emu.client();
        try (Pages pages = c.pages(EVENTS, null, 3)) {
            Iterator<MimecastResponse> it = pages.iterator();
            it.next();
            c.close();
            assertThrows(IllegalStateException.class, it::hasNext);
        }
    }

    @Test
    void invalidArguments() {
        try (MimecastClient c = emu.client()) {
            assertThrows(IllegalArgumentException.class, () -> c.pages(EVENTS, null, -1));
            assertThrows(NullPointerException.class, () -> c.pages(null, null, 1));
            assertThrows(MimecastInvalidArgumentException.class, () -> c.pages(EVENTS, "[1]", 1));
        }
    }
}
