package io.github.libmimecast;

/** Loads the library in a fresh JVM and says from where (for LoaderTest and LeakTest). */
public final class Probe {
    private Probe() {
    }

    public static void main(String[] args) {
        try {
            System.out.println("version " + MimecastClient.nativeVersion());
            System.out.println("path " + MimecastClient.nativeLibraryPath());
        } catch (UnsatisfiedLinkError e) {
            System.err.println(e.getMessage());
            System.exit(3);
        }
    }
}
