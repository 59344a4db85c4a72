package io.github.libmimecast.internal;

import com.sun.jna.Memory;
import com.sun.jna.Pointer;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetEncoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Strings across the C ABI: NUL-terminated UTF-8 in both directions (internal: not part of
 * the API). Java's own conversions would silently replace what UTF-8 cannot encode, which could
 * change a key without a word; these refuse instead, and never put the value in a message
 * (it may be a secret).
 */
public final class Utf8 {
    private Utf8() {
    }

    /**
     * {@code text} as NUL-terminated UTF-8, or null for null.
     *
     * @param text the text
     * @param name what the text is, for the error message (never the value)
     * @return the bytes, ending with one NUL
     * @throws IllegalArgumentException if the text holds a NUL character or an unpaired
     *     surrogate
     */
    public static byte[] toNative(String text, String name) {
        if (text == null) {
            return null;
        }
        if (text.indexOf('\0') >= 0) {
            throw new IllegalArgumentException(name + " contains a NUL character");
        }
        CharsetEncoder encoder = StandardCharsets.UTF_8.newEncoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer encoded;
        try {
            encoded = encoder.encode(CharBuffer.wrap(text));
        } catch (CharacterCodingException e) {
            throw new IllegalArgumentException(
                    name + " is not valid Unicode (an unpaired surrogate)");
        }
        byte[] out = new byte[encoded.remaining() + 1];
        encoded.get(out, 0, out.length - 1);
        if (encoded.hasArray()) {
            Arrays.fill(encoded.array(), (byte) 0); // the encoder's buffer held the text too
        }
        return out;
    }

    /**
     * {@code text} as NUL-terminated UTF-8; null is refused.
     *
     * @param text the text
     * @param name the parameter's name, for the error message
     * @return the bytes, ending with one NUL
     * @throws NullPointerException if the text is null
     */
    public static byte[] required(String text, String name) {
        if (text == null) {
            throw new NullPointerException(name + " must not be null");
        }
        return toNative(text, name);
    }

    /**
     * A copy of native memory holding {@code bytes} (for arrays of strings), to clear after use.
     *
     * @param bytes NUL-terminated bytes
     * @return the memory
     */
    public static Memory toMemory(byte[] bytes) {
        Memory memory = new Memory(bytes.length);
        memory.write(0, bytes, 0, bytes.length);
        return memory;
    }

    /**
     * The NUL-terminated UTF-8 text at {@code pointer}, or null for NULL.
     *
     * @param pointer a C string, or null
     * @return the text
     */
    public static String fromNative(Pointer pointer) {
        return pointer == null ? null : pointer.getString(0, "UTF-8");
    }

    /**
     * Overwrites byte arrays that held a secret with zeros.
     *
     * @param arrays the arrays (null entries are skipped)
     */
    public static void wipe(byte[]... arrays) {
        for (byte[] a : arrays) {
            if (a != null) {
                Arrays.fill(a, (byte) 0);
            }
        }
    }
}
