package io.github.libmimecast.internal;

import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;
import java.io.File;
import java.io.IOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.security.CodeSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Finds, loads and checks libmimecast (internal: not part of the API).
 *
 * <p>Where it looks, in order:
 * <ol>
 *   <li>{@code $MIMECAST_LIBRARY}, when set: that file and nothing else;
 *   <li>the copy the jar carries for this platform, under JNA's resource layout
 *       ({@code linux-x86-64/libmimecast.so}, {@code linux-aarch64/libmimecast.so},
 *       {@code win32-x86-64/mimecast.dll}, ...), extracted by JNA to a temporary file;
 *   <li>in a source checkout (the jar or classes under the repository): the repository's
 *       {@code target/release}, then {@code target/debug};
 *   <li>JNA's own search for {@code mimecast} ({@code jna.library.path}, the system's library
 *       path).
 * </ol>
 * The first library that loads must pass the one ABI check every binding makes: its
 * {@code mc_version()} must equal {@link NativeMethods#HEADER_VERSION}, and it must export every
 * declared function.
 */
public final class NativeLibraryLoader {
    /** The environment variable that names the library file explicitly. */
    public static final String ENVIRONMENT_VARIABLE = "MIMECAST_LIBRARY";

    private static final Map<String, Object> OPTIONS =
            Map.of(Library.OPTION_STRING_ENCODING, "UTF-8");

    private static NativeMethods loaded;
    private static String loadedFrom;

    private NativeLibraryLoader() {
    }

    /** A place to look: what it is, and the path or name to load. */
    record Candidate(String what, String path, boolean resource) {
    }

    /**
     * The loaded library (loading it on first use; thread-safe).
     *
     * @return the declarations bound to the library
     * @throws UnsatisfiedLinkError if no usable library is found; the message lists every place
     *     tried and why each failed
     */
    public static synchronized NativeMethods get() {
        if (loaded == null) {
            load();
        }
        return loaded;
    }

    /**
     * The file the library was loaded from (loading it if needed).
     *
     * @return a path, or the name JNA's search resolved
     */
    public static synchronized String loadedFrom() {
        get();
        return loadedFrom;
    }

    private static void load() {
        String override = System.getenv(ENVIRONMENT_VARIABLE);
        List<String> tried = new ArrayList<>();
        ClassLoader loader = NativeLibraryLoader.class.getClassLoader();
        for (Candidate c : candidates(override, System.getProperty("os.name"),
                System.getProperty("os.arch"), codeLocation())) {
            String path = c.path();
            if (c.resource()) {
                if (loader.getResource(path) == null) {
                    tried.add(c.what() + ": " + path + " (not in the jar)");
                    continue;
                }
                try {
                    File file = Native.extractFromResourcePath("/" + path, loader);
                    path = file.getAbsolutePath();
                } catch (IOException e) {
                    tried.add(c.what() + ": " + path + " (cannot extract: " + e.getMessage() + ")");
                    continue;
                }
            } else if (path.contains(File.separator) && !Files.isRegularFile(Paths.get(path))) {
                tried.add(c.what() + ": " + path + " (not found)");
                continue;
            }
            NativeMethods lib;
            try {
                lib = Native.load(path, NativeMethods.class, OPTIONS);
            } catch (UnsatisfiedLinkError e) {
                tried.add(c.what() + ": " + path + " (cannot load: " + e.getMessage() + ")");
                continue;
            }
            String shown = c.resource() ? path + " (from the jar's " + c.path() + ")" : path;
            String problem = check(lib, path, shown);
            if (problem != null) {
                throw new UnsatisfiedLinkError(problem);
            }
            File file = NativeLibrary.getInstance(path, OPTIONS).getFile();
            loaded = lib;
            loadedFrom = file != null ? file.getAbsolutePath() : path;
            return;
        }
        throw new UnsatisfiedLinkError(notFound(tried, override != null && !override.isEmpty()));
    }

    /**
     * Where the library is looked for, in order (pure: for the tests).
     *
     * @param override the value of {@code $MIMECAST_LIBRARY}, or null
     * @param osName the {@code os.name} to look for
     * @param osArch the {@code os.arch} to look for
     * @param codeLocation the jar or classes directory of this binding, or null
     * @return the candidates
     */
    static List<Candidate> candidates(String override, String osName, String osArch,
            Path codeLocation) {
        List<Candidate> out = new ArrayList<>();
        if (override != null && !override.isEmpty()) {
            out.add(new Candidate("$" + ENVIRONMENT_VARIABLE, override, false));
            return out; // an explicit override is never second-guessed
        }
        String file = libraryFileName(osName);
        out.add(new Candidate("bundled in the jar", resourcePath(osName, osArch), true));
        Path root = repositoryRoot(codeLocation);
        if (root != null) {
            for (String profile : List.of("release", "debug")) {
                out.add(new Candidate("repository " + profile + " build",
                        root.resolve("target").resolve(profile).resolve(file).toString(), false));
            }
        }
        out.add(new Candidate("JNA's search (jna.library.path, system library path)",
                "mimecast", false));
        return out;
    }

    /**
     * The resource that holds the library for a platform, in JNA's layout:
     * {@code <os>-<arch>/<file>}, e.g. {@code linux-x86-64/libmimecast.so}.
     *
     * @param osName an {@code os.name} value, e.g. {@code Linux}, {@code Windows 11}
     * @param osArch an {@code os.arch} value, e.g. {@code amd64}, {@code aarch64}
     * @return the resource path, without a leading slash
     */
    public static String resourcePath(String osName, String osArch) {
        return resourcePrefix(osName, osArch) + "/" + libraryFileName(osName);
    }

    /**
     * JNA's resource prefix for a platform (what {@code com.sun.jna.Platform.RESOURCE_PREFIX} is
     * on that platform).
     *
     * @param osName an {@code os.name} value
     * @param osArch an {@code os.arch} value
     * @return e.g. {@code linux-x86-64}, {@code win32-x86-64}, {@code darwin-aarch64}
     */
    public static String resourcePrefix(String osName, String osArch) {
        String os = osName.toLowerCase(Locale.ROOT);
        String osPart;
        if (os.startsWith("linux")) {
            osPart = "linux";
        } else if (os.startsWith("windows")) {
            osPart = "win32";
        } else if (os.startsWith("mac") || os.startsWith("darwin")) {
            osPart = "darwin";
        } else {
            osPart = os.replaceAll("[^a-z0-9]", "");
        }
        String arch = osArch.toLowerCase(Locale.ROOT).trim();
        switch (arch) {
            case "x86_64":
            case "amd64":
                arch = "x86-64";
                break;
            case "i386":
            case "i486":
            case "i586":
            case "i686":
                arch = "x86";
                break;
            case "arm64":
                arch = "aarch64";
                break;
            case "powerpc64le":
                arch = "ppc64le";
                break;
            default:
                break;
        }
        return osPart + "-" + arch;
    }

    /**
     * The library's file name on a platform.
     *
     * @param osName an {@code os.name} value
     * @return {@code mimecast.dll}, {@code libmimecast.dylib} or {@code libmimecast.so}
     */
    public static String libraryFileName(String osName) {
        String os = osName.toLowerCase(Locale.ROOT);
        if (os.startsWith("windows")) {
            return "mimecast.dll";
        }
        if (os.startsWith("mac") || os.startsWith("darwin")) {
            return "libmimecast.dylib";
        }
        return "libmimecast.so";
    }

    /**
     * The one ABI check, the same in every binding: the library's mc_version() must equal the
     * version of the header the declarations were generated from.
     *
     * @param path where the library was loaded from
     * @param nativeVersion what its mc_version() returned
     * @return the error message, or null when they match
     */
    public static String versionMismatch(String path, String nativeVersion) {
        if (NativeMethods.HEADER_VERSION.equals(nativeVersion)) {
            return null;
        }
        return "libmimecast at " + path + " is version '" + nativeVersion
                + "', but this binding was generated from mimecast.h '"
                + NativeMethods.HEADER_VERSION + "': install matching versions (or point $"
                + ENVIRONMENT_VARIABLE + " at the right build)";
    }

    private static String check(NativeMethods lib, String loadPath, String path) {
        String version;
        try {
            version = Utf8.fromNative(lib.mc_version());
        } catch (UnsatisfiedLinkError e) {
            return path + " is not libmimecast: it has no mc_version()";
        }
        String mismatch = versionMismatch(path, version);
        if (mismatch != null) {
            return mismatch;
        }
        NativeLibrary library = NativeLibrary.getInstance(loadPath, OPTIONS); // the same one
        List<String> missing = new ArrayList<>();
        for (String name : NativeMethods.FUNCTION_NAMES) {
            try {
                library.getFunction(name);
            } catch (UnsatisfiedLinkError e) {
                missing.add(name);
            }
        }
        if (!missing.isEmpty()) { // same version, fewer exports: a broken build
            return path + " is not a complete libmimecast " + NativeMethods.HEADER_VERSION
                    + ": it lacks " + String.join(", ", missing);
        }
        return null;
    }

    static String notFound(List<String> tried, boolean overridden) {
        StringBuilder sb = new StringBuilder("libmimecast could not be loaded. Looked in:");
        for (String t : tried) {
            sb.append("\n  ").append(t);
        }
        sb.append('\n');
        if (overridden) {
            sb.append("$" + ENVIRONMENT_VARIABLE + " is set: fix or unset it.");
        } else {
            sb.append("Use the jar built for this platform, build the library with `cargo build"
                    + " --release` in the repository, or set $" + ENVIRONMENT_VARIABLE
                    + " to the library file.");
        }
        return sb.toString();
    }

    /** The jar or classes directory this class was loaded from, or null. */
    static Path codeLocation() {
        try {
            CodeSource source = NativeLibraryLoader.class.getProtectionDomain().getCodeSource();
            URL url = source == null ? null : source.getLocation();
            return url == null ? null : Paths.get(url.toURI());
        } catch (URISyntaxException | IllegalArgumentException | SecurityException e) {
            return null;
        }
    }

    /**
     * The repository root above {@code start} (the directory holding Cargo.toml and
     * include/mimecast.h), when this binding runs from a source checkout; else null.
     */
    static Path repositoryRoot(Path start) {
        for (Path p = start == null ? null : start.toAbsolutePath(); p != null; p = p.getParent()) {
            if (Files.isRegularFile(p.resolve("Cargo.toml"))
                    && Files.isRegularFile(p.resolve("include").resolve("mimecast.h"))) {
                return p;
            }
        }
        return null;
    }
}
