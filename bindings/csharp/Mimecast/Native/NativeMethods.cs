using System;
using System.Runtime.InteropServices;

namespace Mimecast.Native
{
    /// <summary>Log callback signature of mc_options_set_log_callback (cdecl).</summary>
    [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
    internal delegate void NativeLogCallback(IntPtr userData, int level, IntPtr message);

    /// <summary>
    /// P/Invoke declarations of include/mimecast.h. Conventions:
    /// strings in are NUL-terminated UTF-8 <c>byte[]</c> (see <see cref="Utf8"/>; null = C NULL);
    /// strings out are <see cref="IntPtr"/> copied with <see cref="Utf8.PtrToString"/> and freed with mc_free;
    /// C bool is <c>UnmanagedType.I1</c>; mc_status is <c>int</c>.
    /// Functions added after 0.1.0's first cut (OAuth, env, Postman, paging, retry, proxy, logging)
    /// bind lazily: an older library raises <see cref="EntryPointNotFoundException"/> only when they are called.
    /// </summary>
    internal static class NativeMethods
    {
        internal const string Library = "mimecast";

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        internal static extern IntPtr mc_version();

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        internal static extern IntPtr mc_status_name(uint status);

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        internal static extern int mc_last_error_status();

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        internal static extern IntPtr mc_last_error_message();

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        internal static extern IntPtr mc_last_error_code();

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        internal static extern IntPtr mc_last_error_api_message();

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        internal static extern int mc_last_error_http_status();

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        internal static extern long mc_last_error_retry_after_ms();

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        internal static extern uint mc_last_retry_count();

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        internal static extern void mc_free(IntPtr str);

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        internal static extern OptionsHandle mc_options_new();

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        internal static extern void mc_options_free(IntPtr options);

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        internal static extern int mc_options_set_connect_timeout_ms(OptionsHandle options, uint ms);

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        internal static extern int mc_options_set_timeout_ms(OptionsHandle options, uint ms);

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        internal static extern int mc_options_set_allow_insecure_http(OptionsHandle options, [MarshalAs(UnmanagedType.I1)] bool allow);

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        internal static extern int mc_options_set_ca_bundle(OptionsHandle options, byte[]? path);

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        internal static extern int mc_options_set_max_response_bytes(OptionsHandle options, ulong bytes);

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        internal static extern int mc_options_set_retry(OptionsHandle options, uint maxRetries, uint maxTotalMs);

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        internal static extern int mc_options_set_retry_after_send(OptionsHandle options, [MarshalAs(UnmanagedType.I1)] bool enabled);

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        internal static extern int mc_options_set_proxy(OptionsHandle options, byte[]? proxyUrl);

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        internal static extern int mc_options_set_log_callback(OptionsHandle options, NativeLogCallback? callback, IntPtr userData, uint maxLevel);

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        internal static extern int mc_client_new(byte[] baseUrl, byte[] appId, byte[] appKey, byte[] accessKey, byte[] secretKey,
            OptionsHandle options, out ClientHandle client);

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        internal static extern int mc_client_new_oauth(byte[]? baseUrl, byte[] clientId, byte[] clientSecret,
            OptionsHandle options, out ClientHandle client);

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        internal static extern int mc_client_new_from_env(OptionsHandle options, out ClientHandle client);

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        internal static extern int mc_client_new_from_variables(IntPtr[] names, IntPtr[] values, UIntPtr count,
            OptionsHandle options, out ClientHandle client);

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        internal static extern int mc_client_new_from_postman(byte[] path, OptionsHandle options, out ClientHandle client);

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        internal static extern void mc_client_free(IntPtr client);

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        internal static extern int mc_sign(ClientHandle client, byte[] path, byte[]? date, byte[]? requestId, out IntPtr headers);

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        internal static extern void mc_signed_headers_free(IntPtr headers);

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        internal static extern int mc_get_account(ClientHandle client, out IntPtr account);

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        internal static extern void mc_account_free(IntPtr account);

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        internal static extern int mc_request(ClientHandle client, byte[] path, byte[]? jsonBody, out IntPtr responseJson);

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        internal static extern int mc_request_page(ClientHandle client, byte[] path, byte[]? jsonBody, uint pageSize, byte[]? pageToken,
            out IntPtr responseJson, out IntPtr nextPageToken);

        private static int _retryCountAvailable = 1;

        /// <summary>mc_last_retry_count() if the library exports it, else 0. Call on the thread that made the request.</summary>
        internal static int LastRetryCount()
        {
            if (System.Threading.Volatile.Read(ref _retryCountAvailable) == 0) return 0;
            try { return (int)Math.Min(mc_last_retry_count(), int.MaxValue); }
            catch (EntryPointNotFoundException) { System.Threading.Volatile.Write(ref _retryCountAvailable, 0); return 0; }
        }

        /// <summary>Copies a string the library allocated and frees it with mc_free. IntPtr.Zero gives null.</summary>
        internal static string? TakeString(IntPtr p)
        {
            if (p == IntPtr.Zero) return null;
            try { return Utf8.PtrToString(p); }
            finally { mc_free(p); }
        }
    }

    /// <summary>Owns an mc_client*; <see cref="ReleaseHandle"/> calls mc_client_free once no call is using it.</summary>
    internal sealed class ClientHandle : SafeHandle
    {
        public ClientHandle() : base(IntPtr.Zero, ownsHandle: true) { }

        public override bool IsInvalid => handle == IntPtr.Zero;

        /// <summary>
        /// The log callback given to the native client. Kept here (not on MimecastClient) because the handle is what a
        /// P/Invoke call keeps alive: the delegate must outlive every call that may invoke it.
        /// </summary>
        internal NativeLogCallback? LogCallback;

        protected override bool ReleaseHandle()
        {
            NativeMethods.mc_client_free(handle);
            LogCallback = null;
            return true;
        }
    }

    /// <summary>Owns an mc_options*; freed with mc_options_free.</summary>
    internal sealed class OptionsHandle : SafeHandle
    {
        public OptionsHandle() : base(IntPtr.Zero, ownsHandle: true) { }

        /// <summary>A handle standing for C NULL (default options).</summary>
        internal static OptionsHandle Null => new OptionsHandle();

        public override bool IsInvalid => handle == IntPtr.Zero;

        protected override bool ReleaseHandle()
        {
            NativeMethods.mc_options_free(handle);
            return true;
        }
    }
}
