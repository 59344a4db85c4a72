using System;

namespace Mimecast.Native
{
    /// <summary>
    /// Helpers around the generated P/Invoke declarations (NativeMethods.g.cs, generated from include/mimecast.h by
    /// tools/generate_bindings.py). Conventions of the generated declarations: strings in are NUL-terminated UTF-8
    /// <c>byte[]</c> (see <see cref="Utf8"/>; null = C NULL); strings out are <see cref="IntPtr"/> copied with
    /// <see cref="Utf8.PtrToString(IntPtr)"/> and, when the library hands them over, freed with mc_free; C bool is
    /// <c>UnmanagedType.I1</c>; mc_status is <see cref="MimecastStatus"/>; structs are read with
    /// <c>Marshal.PtrToStructure</c> into their generated layouts.
    /// </summary>
    internal static partial class NativeMethods
    {
        /// <summary>mc_last_retry_count(). Call on the thread that made the request.</summary>
        internal static int LastRetryCount() => (int)Math.Min(mc_last_retry_count(), int.MaxValue);

        /// <summary>Copies a string the library allocated and frees it with mc_free. IntPtr.Zero gives null.</summary>
        internal static string? TakeString(IntPtr p)
        {
            if (p == IntPtr.Zero) return null;
            try { return Utf8.PtrToString(p); }
            finally { mc_free(p); }
        }

        /// <summary>Throws the exception for <paramref name="status"/> unless it is <see cref="MimecastStatus.Ok"/>.</summary>
        internal static void Check(MimecastStatus status)
        {
            if (status != MimecastStatus.Ok) throw MimecastException.FromLastError(status);
        }
    }

    internal sealed partial class ClientHandle
    {
        /// <summary>
        /// The log callback given to the native client. Kept here (not on MimecastClient) because the handle is what a
        /// P/Invoke call keeps alive: the delegate must outlive every call that may invoke it.
        /// </summary>
        internal NativeLogCallback? LogCallback;

        partial void OnReleased() => LogCallback = null;
    }

    internal sealed partial class OptionsHandle
    {
        /// <summary>A handle standing for C NULL (default options).</summary>
        internal static OptionsHandle Null => new OptionsHandle();
    }
}
