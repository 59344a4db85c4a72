package io.github.libmimecast.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.jna.Memory;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Structure;
import io.github.libmimecast.MimecastClient;
import io.github.libmimecast.Repo;
import io.github.libmimecast.Subprocess;
import java.lang.reflect.Method;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.jar.JarFile;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The generated declarations against the header, the loaded library and the C compiler. */
class AbiTest {
    /** name -> number of parameters, read from the header's text (not through the generator). */
    private static Map<String, Integer> headerFunctions() {
        String text = Repo.read("include/mimecast.h").replaceAll("(?s)/\\*.*?\\*/", " ");
        Map<String, Integer> out = new TreeMap<>();
        Matcher m = Pattern.compile("\\b(mc_[a-z0-9_]+)\\s*\\(([^()]*)\\)\\s*;").matcher(text);
        while (m.find()) {
            String params = m.group(2).trim();
            out.put(m.group(1), params.equals("void") ? 0 : params.split(",").length);
        }
        return out;
    }

    @Test
    void everyFunctionOfTheHeaderIsDeclaredWithItsParameters() {
        Map<String, Integer> header = headerFunctions();
        assertTrue(header.size() >= 31, header.toString());
        Map<String, Integer> declared = new TreeMap<>();
        for (Method m : NativeMethods.class.getDeclaredMethods()) {
            declared.put(m.getName(), m.getParameterCount());
        }
        assertEquals(header, declared);
        assertEquals(header.keySet(), new TreeSet<>(NativeMethods.FUNCTION_NAMES));
    }

    @Test
    void theLibraryExportsEveryFunction() {
        NativeLibrary lib = NativeLibrary.getInstance(MimecastClient.nativeLibraryPath());
        for (String name : NativeMethods.FUNCTION_NAMES) {
            lib.getFunction(name); // throws UnsatisfiedLinkError when missing
        }
    }

    @Test
    @SuppressWarnings("unchecked")
    void structLayoutsMatchTheCCompiler() throws Exception {
        Subprocess r = Subprocess.run(
                List.of("python3", Repo.path("tools/struct_layout.py").toString()),
                Repo.ROOT, Map.of(), 120);
        assertEquals(0, r.exitCode, r.toString());
        Map<String, Object> layouts = (Map<String, Object>) parse(r.stdout);
        // Every struct of the header, by its generated class (mc_account -> NativeAccount).
        Map<String, Structure> structs = new LinkedHashMap<>();
        Memory zeros = new Memory(4096);
        zeros.clear();
        for (String name : layouts.keySet()) {
            String cls = NativeMethods.class.getName() + "$Native" + pascal(name.substring(3));
            structs.put(name, (Structure) Class.forName(cls)
                    .getConstructor(com.sun.jna.Pointer.class).newInstance(zeros));
        }
        assertTrue(structs.containsKey("mc_account"), structs.keySet().toString());
        assertTrue(structs.containsKey("mc_signed_headers"), structs.keySet().toString());
        Method offset = Structure.class.getDeclaredMethod("fieldOffset", String.class);
        offset.setAccessible(true);
        for (Map.Entry<String, Structure> e : structs.entrySet()) {
            Map<String, Object> layout = (Map<String, Object>) layouts.get(e.getKey());
            assertEquals(((Long) layout.get("size")).intValue(), e.getValue().size(), e.getKey());
            Map<String, Long> fields = (Map<String, Long>) layout.get("fields");
            for (Map.Entry<String, Long> f : fields.entrySet()) {
                assertEquals(f.getValue().intValue(),
                        offset.invoke(e.getValue(), camel(f.getKey())),
                        e.getKey() + "." + f.getKey());
            }
        }
    }

    private static String pascal(String snake) {
        String c = camel(snake);
        return Character.toUpperCase(c.charAt(0)) + c.substring(1);
    }

    private static String camel(String snake) {
        String[] words = snake.split("_");
        return words[0] + Arrays.stream(words).skip(1)
                .map(w -> Character.toUpperCase(w.charAt(0)) + w.substring(1))
                .collect(Collectors.joining());
    }

    private static Object parse(String json) throws Exception {
        Method m = Class.forName("io.github.libmimecast.JsonReader")
                .getDeclaredMethod("parse", String.class);
        m.setAccessible(true);
        return m.invoke(null, json);
    }

    @Test
    void oneVersionEverywhere() throws Exception {
        String cargo = Repo.cargoVersion();
        assertEquals(cargo, NativeMethods.HEADER_VERSION);
        assertEquals(cargo, MimecastClient.nativeVersion());
        try (JarFile jar = new JarFile(System.getProperty("mimecast.jar"))) {
            assertEquals(cargo,
                    jar.getManifest().getMainAttributes().getValue("Implementation-Version"));
        }
    }

    @Test
    void headerConstantsAreDeclared() {
        Set<String> defines = new TreeSet<>();
        Matcher m = Pattern.compile("(?m)^#define ([A-Z_]+) (\\d+|\"[^\"]*\")$")
                .matcher(Repo.read("include/mimecast.h"));
        while (m.find()) {
            if (!m.group(1).startsWith("MIMECAST_VERSION")) {
                defines.add(m.group(1));
            }
        }
        Set<String> declared = Arrays.stream(NativeMethods.class.getDeclaredFields())
                .map(f -> f.getName())
                .filter(n -> !n.equals("HEADER_VERSION") && !n.equals("FUNCTION_NAMES"))
                .collect(Collectors.toCollection(TreeSet::new));
        assertEquals(defines, declared);
        assertTrue(defines.contains("MC_MAX_JSON_DEPTH"));
    }
}
