package io.github.libmimecast;

import com.sun.jna.Pointer;
import io.github.libmimecast.internal.NativeMethods;
import java.lang.ref.Reference;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

/**
 * Every page of a paged endpoint, fetched lazily, one request per page, by the library's pager
 * ({@code mc_pager}): it carries the page token from page to page, stops after the last page
 * (or a page with no data), and ends a pull whose page tokens form a cycle with
 * {@link MimecastMalformedResponseException} instead of looping forever. A {@code fail} entry in
 * any page throws {@link MimecastApiFailureException}; after any failure but a cycle, iterating
 * again retries the same page.
 *
 * <p>Like {@link java.nio.file.DirectoryStream}: iterate it once, from one thread at a time,
 * and close it (try-with-resources) to free the native pager early; it is freed anyway after the
 * last page, and when it becomes unreachable.
 *
 * <pre>{@code
 * try (Pages pages = client.pages("/api/audit/get-audit-events", null, 100)) {
 *     for (MimecastResponse page : pages) {
 *         page.data().forEach(System.out::println);
 *     }
 * }
 * }</pre>
 */
public final class Pages implements Iterable<MimecastResponse>, AutoCloseable {
    private final MimecastClient client;
    private final PagerState state;
    private boolean iterated;

    /** The native pager, freed once: by close(), the end of the pull, or the Cleaner. */
    static final class PagerState implements Runnable {
        private final NativeMethods lib;
        private Pointer pager;

        PagerState(NativeMethods lib, Pointer pager) {
            this.lib = lib;
            this.pager = pager;
        }

        synchronized Pointer pager() {
            return pager;
        }

        @Override
        public void run() {
            Pointer p;
            synchronized (this) {
                p = pager;
                pager = null;
            }
            if (p != null) {
                lib.mc_pager_free(p);
            }
        }
    }

    Pages(MimecastClient client, PagerState state) {
        this.client = client;
        this.state = state;
        MimecastClient.CLEANER.register(this, state);
    }

    /**
     * The pages, fetched as the iterator is advanced.
     *
     * @return the iterator
     * @throws IllegalStateException if called a second time, or after {@link #close()}
     */
    @Override
    public synchronized Iterator<MimecastResponse> iterator() {
        if (iterated) {
            throw new IllegalStateException("Pages can be iterated only once");
        }
        if (state.pager() == null) {
            throw new IllegalStateException("Pages is closed");
        }
        iterated = true;
        return new Iterator<>() {
            private MimecastResponse next;
            private boolean done;

            @Override
            public boolean hasNext() {
                try {
                    if (next == null && !done) {
                        Pointer pager = state.pager();
                        next = pager == null ? null : client.nextPage(pager);
                        if (next == null) {
                            done = true;
                            close();
                        }
                    }
                    return next != null;
                } finally {
                    Reference.reachabilityFence(Pages.this); // the Cleaner must not free the pager
                }
            }

            @Override
            public MimecastResponse next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                MimecastResponse page = next;
                next = null;
                return page;
            }
        };
    }

    /**
     * The pages as a sequential stream; closing the stream closes this.
     *
     * @return the stream
     */
    public Stream<MimecastResponse> stream() {
        Spliterator<MimecastResponse> s = Spliterators.spliteratorUnknownSize(
                iterator(), Spliterator.ORDERED | Spliterator.NONNULL);
        return StreamSupport.stream(s, false).onClose(this::close);
    }

    /**
     * The items ({@code data} entries) of every page, as Java values (see
     * {@link MimecastResponse#envelope()}); closing the stream closes this.
     *
     * @return the stream
     */
    public Stream<Object> items() {
        return stream().flatMap(page -> page.data().stream());
    }

    /** Frees the native pager. Idempotent. */
    @Override
    public void close() {
        state.run();
    }
}
