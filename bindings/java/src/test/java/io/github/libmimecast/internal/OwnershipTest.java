package io.github.libmimecast.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.jna.Pointer;
import com.sun.jna.ptr.PointerByReference;
import io.github.libmimecast.Emulator;
import io.github.libmimecast.MimecastClient;
import io.github.libmimecast.MimecastClientOptions;
import io.github.libmimecast.MimecastException;
import io.github.libmimecast.MimecastMalformedResponseException;
import io.github.libmimecast.MimecastResponse;
import io.github.libmimecast.Pages;
import io.github.libmimecast.Repo;
import java.lang.reflect.Field;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Every object the library hands over is freed exactly once, with its own free function: the
 * binding's calls go through a recording proxy of the JNA declarations that tracks each pointer
 * from the call that returned it to the call that freed it (a leak stays in the table; a double
 * free or a free with the wrong function is refused before it reaches the library).
 */
class OwnershipTest {
    private static final String EVENTS = "/api/audit/get-audit-events";

    /**
     * What the header says about ownership, read from its text (not through the generator), by
     * its own rule: "each object the library returns has exactly one way to be freed: char *
     * with mc_free(), mc_X with mc_X_free()". An object comes out through a {@code T **}
     * parameter (a {@code const T *const *} is an array going in, a {@code const T **} lends a
     * pointer) or as a non-const pointer return value; a {@code const char *} return is
     * borrowed.
     */
    static final class Ownership {
        /** function -> the C type of each object its out parameters hand over, in order. */
        final Map<String, List<String>> outs = new TreeMap<>();
        /** function -> how many of its out parameters lend a pointer ({@code const T **}). */
        final Map<String, Integer> lent = new TreeMap<>();
        /** function -> the C type of the object it returns. */
        final Map<String, String> returns = new TreeMap<>();
        /** free function -> the C type it frees. */
        final Map<String, String> frees = new TreeMap<>();

        Ownership(String header) {
            String text = header.replaceAll("(?s)/\\*.*?\\*/", " ").replace("MC_MUST_USE", " ");
            Matcher m = Pattern.compile("([A-Za-z_][\\w \\*]*?)\\b(mc_\\w+)\\s*\\(([^()]*)\\)\\s*;")
                    .matcher(text);
            while (m.find()) {
                String ret = m.group(1).trim().replaceAll("\\s+", " ");
                String name = m.group(2);
                List<String> out = new ArrayList<>();
                for (String param : m.group(3).split(",")) {
                    Matcher p = Pattern.compile("^ ?(const )?(\\w+) \\*( ?const)? ?\\* ?\\w+ ?$")
                            .matcher(param.replaceAll("\\s+", " "));
                    if (p.matches() && p.group(3) == null) {
                        if (p.group(1) == null) {
                            out.add(p.group(2));
                        } else { // const T **: borrowed from an object the caller holds
                            lent.merge(name, 1, Integer::sum);
                        }
                    }
                }
                if (!out.isEmpty()) {
                    outs.put(name, out);
                }
                if (ret.endsWith("*") && !ret.startsWith("const")) {
                    returns.put(name, ret.replace("*", "").trim());
                }
                if (ret.equals("void") && name.endsWith("_free")) {
                    String type = m.group(3).trim().replaceAll("\\s*\\*.*$", "");
                    frees.put(name, type);
                }
            }
        }
    }

    static final Ownership OWNERSHIP = new Ownership(Repo.read("include/mimecast.h"));

    /** The recording proxy. */
    static final class Tracker implements InvocationHandler {
        final NativeMethods real;
        final Map<Long, String> owned = new ConcurrentHashMap<>();
        final Map<String, Integer> handedOver = Collections.synchronizedMap(new TreeMap<>());
        final List<String> errors = Collections.synchronizedList(new ArrayList<>());

        Tracker(NativeMethods real) {
            this.real = real;
        }

        private void own(Pointer p, String kind, String by) {
            if (p == null) {
                return;
            }
            if (owned.put(Pointer.nativeValue(p), kind) != null) {
                errors.add(by + " handed over a pointer that is still owned");
            }
            handedOver.merge(kind, 1, Integer::sum);
        }

        @Override
        public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
            String name = method.getName();
            if (method.getDeclaringClass() == Object.class) {
                return method.invoke(real, args);
            }
            if (OWNERSHIP.frees.containsKey(name) && args[0] != null) {
                String kind = owned.remove(Pointer.nativeValue((Pointer) args[0]));
                if (kind == null) {
                    errors.add(name + " of a pointer not owned (double free?)");
                    return null; // never let it reach the library
                }
                if (!kind.equals(OWNERSHIP.frees.get(name))) {
                    errors.add(name + " of a " + kind);
                    return null;
                }
            }
            Object result;
            try {
                result = method.invoke(real, args);
            } catch (InvocationTargetException e) {
                throw e.getCause();
            }
            if (OWNERSHIP.returns.containsKey(name)) {
                own((Pointer) result, OWNERSHIP.returns.get(name), name);
            }
            List<String> kinds = OWNERSHIP.outs.get(name);
            if (kinds != null && ((Integer) result) == 0) {
                int i = 0;
                for (Object arg : args) {
                    if (arg instanceof PointerByReference ref) { // in the header's order
                        own(ref.getValue(), kinds.get(i++), name);
                    }
                }
            }
            return result;
        }
    }

    private Field loaded;
    private NativeMethods real;
    private Tracker tracker;

    @BeforeEach
    void installTracker() throws Exception {
        real = NativeLibraryLoader.get();
        tracker = new Tracker(real);
        loaded = NativeLibraryLoader.class.getDeclaredField("loaded");
        loaded.setAccessible(true);
        loaded.set(null, Proxy.newProxyInstance(NativeMethods.class.getClassLoader(),
                new Class<?>[] {NativeMethods.class}, tracker));
    }

    @AfterEach
    void removeTracker() throws Exception {
        loaded.set(null, real);
    }

    @Test
    void theHeaderFollowsItsOwnershipRuleAndTheDeclarationsAgree() {
        assertTrue(OWNERSHIP.outs.size() >= 10, OWNERSHIP.outs.toString());
        assertEquals("mc_account", OWNERSHIP.outs.get("mc_get_account").get(0));
        assertEquals(List.of("char", "char"), OWNERSHIP.outs.get("mc_request_page"));
        assertEquals("mc_options", OWNERSHIP.returns.get("mc_options_new"));
        assertEquals("char", OWNERSHIP.frees.get("mc_free"));
        List<String> kinds = new ArrayList<>();
        OWNERSHIP.outs.values().forEach(kinds::addAll);
        kinds.addAll(OWNERSHIP.returns.values());
        for (String kind : kinds) { // each kind handed over has its one free function
            assertTrue(OWNERSHIP.frees.containsValue(kind), "nothing frees a " + kind);
        }
        for (Method m : NativeMethods.class.getDeclaredMethods()) {
            long refs = List.of(m.getParameterTypes()).stream()
                    .filter(t -> t == PointerByReference.class).count();
            assertEquals(OWNERSHIP.outs.getOrDefault(m.getName(), List.of()).size()
                    + OWNERSHIP.lent.getOrDefault(m.getName(), 0), refs, m.getName());
        }
    }

    private static void waitUntilFreed(Tracker t, String kind) throws InterruptedException {
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (t.owned.containsValue(kind) && System.nanoTime() < deadline) {
            System.gc();
            Thread.sleep(20);
        }
    }

    @SuppressWarnings("resource")
    @Test
    void everyObjectIsFreedOnceWithItsOwnFunction() throws Exception {
        try (Emulator emu = new Emulator()) {
            MimecastClientOptions noRetry = MimecastClientOptions.builder().maxRetries(0).build();
            try (MimecastClient c = emu.client(noRetry)) {
                for (int i = 0; i < 3; i++) {
                    c.getAccount();
                    c.request("/api/x/y", "{\"data\":[]}").data();
                    c.sign("/api/account/get-account");
                    MimecastResponse first = c.requestPage(EVENTS, null, 3, null);
                    c.requestPage(EVENTS, null, 3, first.nextPageToken().get());
                    try (Stream<Object> items = c.paginate(EVENTS, null, 3)) {
                        assertEquals(7, items.count());
                    }
                }
                // A pull stopped half-way and closed; one abandoned without closing (the Cleaner).
                try (Pages pages = c.pages("/api/audit/get-audit-events", null, 2)) {
                    pages.iterator().next();
                }
                Iterator<MimecastResponse> abandoned = c.pages(EVENTS, null, 2).iterator();
                abandoned.next();
                abandoned = null;
                // Failures: nothing handed over, nothing freed twice.
                for (String fault : List.of("unauthorized", "malformed", "server_error", "huge")) {
                    emu.fault("{\"fault\":\"" + fault + "\",\"size_bytes\":70000000}");
                    assertThrows(MimecastException.class, c::getAccount);
                    emu.fault("{\"fault\":\"" + fault + "\",\"size_bytes\":70000000}");
                    assertThrows(MimecastException.class, () -> c.request("/api/x/y"));
                }
                emu.fault("{\"fault\":\"page_cycle\",\"page\":3,\"back_to\":2}");
                try (Stream<Object> items = c.paginate("/api/audit/get-audit-events", null, 1)) {
                    assertThrows(MimecastMalformedResponseException.class, items::count);
                }
                assertThrows(MimecastException.class, () -> c.request("/api/x/y", "[]"));
            }
            // Clients from every factory; some never closed (the Cleaner frees them).
            MimecastClient.forOAuth(Repo.KEYS.get("client_id"), Repo.KEYS.get("client_secret"),
                    emu.url, null).getAccount();
            MimecastClient.fromEnvironment(Map.of("MIMECAST_BASE_URL", emu.url,
                    "MIMECAST_CLIENT_ID", Repo.KEYS.get("client_id"),
                    "MIMECAST_CLIENT_SECRET", Repo.KEYS.get("client_secret")), null).close();
            for (int i = 0; i < 20; i++) {
                emu.client().sign("/api/x");
            }
            assertThrows(MimecastException.class,
                    () -> MimecastClient.create("mars", "a", "b", "c", "d"));
            waitUntilFreed(tracker, "mc_client");
            waitUntilFreed(tracker, "mc_pager");
        }
        assertEquals(List.of(), tracker.errors);
        assertEquals(Map.of(), tracker.owned, "not freed");
        for (String kind : List.of("mc_client", "mc_options", "mc_signed_headers", "mc_account",
                "char", "mc_pager")) {
            assertTrue(tracker.handedOver.getOrDefault(kind, 0) > 0, kind + " never handed over");
        }
    }
}
