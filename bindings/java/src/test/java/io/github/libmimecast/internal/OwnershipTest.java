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

    /** Functions whose PointerByReference parameters hand over an object, in order: its kind. */
    private static final Map<String, List<String>> OUTS = Map.of(
            "mc_client_new", List.of("client"),
            "mc_client_new_oauth", List.of("client"),
            "mc_client_new_from_env", List.of("client"),
            "mc_client_new_from_variables", List.of("client"),
            "mc_client_new_from_postman", List.of("client"),
            "mc_sign", List.of("signed_headers"),
            "mc_get_account", List.of("account"),
            "mc_request", List.of("string"),
            "mc_request_page", List.of("string", "string"),
            "mc_pager_new", List.of("pager"));
    private static final Map<String, List<String>> MORE_OUTS = Map.of(
            "mc_pager_next", List.of("string"),
            "mc_pager_next_item", List.of("string"),
            "mc_pager_new_call", List.of("pager"),
            "mc_call_new", List.of("call"),
            "mc_send", List.of("response"),
            "mc_discover_base_url", List.of("string"),
            "mc_client_new_discover", List.of("client"));
    /** Functions whose returned Pointer is an object to free. */
    private static final Map<String, String> RETURNS = Map.of("mc_options_new", "options");
    /** Functions whose returned Pointer is borrowed (static, thread-local or owned by an
     * argument): never freed. */
    private static final List<String> BORROWED = List.of("mc_version", "mc_status_name",
            "mc_last_error_message", "mc_last_error_code", "mc_last_error_api_message",
            "mc_response_header");
    private static final Map<String, String> FREES = Map.of("mc_free", "string",
            "mc_client_free", "client", "mc_options_free", "options",
            "mc_signed_headers_free", "signed_headers", "mc_account_free", "account",
            "mc_pager_free", "pager", "mc_call_free", "call", "mc_response_free", "response");

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
            if (FREES.containsKey(name) && args[0] != null) {
                String kind = owned.remove(Pointer.nativeValue((Pointer) args[0]));
                if (kind == null) {
                    errors.add(name + " of a pointer not owned (double free?)");
                    return null; // never let it reach the library
                }
                if (!kind.equals(FREES.get(name))) {
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
            if (RETURNS.containsKey(name)) {
                own((Pointer) result, RETURNS.get(name), name);
            }
            List<String> kinds = OUTS.containsKey(name) ? OUTS.get(name) : MORE_OUTS.get(name);
            if (kinds != null && ((Integer) result) == 0) {
                int i = 0;
                for (Object arg : args) {
                    if (arg instanceof PointerByReference ref) {
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
    void everyFunctionThatHandsOverMemoryIsKnownHere() {
        for (Method m : NativeMethods.class.getDeclaredMethods()) {
            String name = m.getName();
            boolean out = List.of(m.getParameterTypes()).contains(PointerByReference.class);
            boolean pointer = m.getReturnType() == Pointer.class;
            if (out) {
                assertTrue(OUTS.containsKey(name) || MORE_OUTS.containsKey(name),
                        name + " hands something over: say what frees it");
            }
            if (pointer) {
                assertTrue(RETURNS.containsKey(name) || BORROWED.contains(name),
                        name + " returns a pointer: owned or borrowed?");
            }
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
            waitUntilFreed(tracker, "client");
            waitUntilFreed(tracker, "pager");
        }
        assertEquals(List.of(), tracker.errors);
        assertEquals(Map.of(), tracker.owned, "not freed");
        for (String kind : List.of("client", "options", "signed_headers", "account", "string",
                "pager")) {
            assertTrue(tracker.handedOver.getOrDefault(kind, 0) > 0, kind + " never handed over");
        }
    }
}
