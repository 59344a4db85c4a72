using System;
using System.Text;

namespace Mimecast.Native
{
    /// <summary>
    /// Explicit UTF-8 marshalling (never LPStr, which is ANSI on Windows).
    /// <c>Marshal.PtrToStringUTF8</c> does not exist on netstandard2.0, hence <see cref="PtrToString(IntPtr)"/>.
    /// </summary>
    internal static class Utf8
    {
        private static readonly UTF8Encoding Strict = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);
        private static readonly UTF8Encoding Lenient = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: false);

        /// <summary>NUL-terminated UTF-8 bytes of <paramref name="value"/>; null stays null (C NULL).</summary>
        /// <exception cref="ArgumentException">The string holds a NUL character or a lone surrogate.</exception>
        internal static byte[]? ToNative(string? value, string paramName)
        {
            if (value == null) return null;
            if (value.IndexOf('\0') >= 0)
                throw new ArgumentException("The value must not contain a NUL character.", paramName);
            int len;
            try { len = Strict.GetByteCount(value); }
            catch (EncoderFallbackException) { throw new ArgumentException("The value is not valid Unicode text (lone surrogate).", paramName); }
            var bytes = new byte[len + 1];
            Strict.GetBytes(value, 0, value.Length, bytes, 0);
            return bytes;
        }

        /// <summary>As <see cref="ToNative"/> for a value that must be present and not blank.</summary>
        internal static byte[] Required(string? value, string paramName)
        {
            if (value == null) throw new ArgumentNullException(paramName);
            if (string.IsNullOrWhiteSpace(value)) throw new ArgumentException("The value must not be empty or blank.", paramName);
            return ToNative(value, paramName)!;
        }

        /// <summary>Copies a NUL-terminated UTF-8 string; IntPtr.Zero gives null. Does not free it.</summary>
        internal static unsafe string? PtrToString(IntPtr p)
        {
            if (p == IntPtr.Zero) return null;
            byte* s = (byte*)p;
            int len = 0;
            while (s[len] != 0) len++;
            return len == 0 ? string.Empty : Lenient.GetString(s, len);
        }

        /// <summary>Copies <paramref name="length"/> bytes of UTF-8 text (the length is known: no scan for the NUL).</summary>
        internal static unsafe string PtrToString(IntPtr p, long length)
        {
            if (p == IntPtr.Zero || length <= 0) return string.Empty;
            return Lenient.GetString((byte*)p, checked((int)length));
        }
    }
}
