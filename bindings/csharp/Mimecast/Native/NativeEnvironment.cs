using System;
using System.Runtime.InteropServices;

namespace Mimecast.Native
{
    /// <summary>
    /// The process environment as native code (libmimecast's getenv) sees it. On Unix, .NET's
    /// Environment.SetEnvironmentVariable (and PowerShell's <c>$env:X = ...</c>) only changes the runtime's managed copy:
    /// native getenv keeps seeing the environment the process started with. On Windows both views are the same.
    /// </summary>
    internal static class NativeEnvironment
    {
        [DllImport("libc.so.6", EntryPoint = "getenv", ExactSpelling = true)]
        private static extern IntPtr getenv_glibc(byte[] name);

        [DllImport("libc", EntryPoint = "getenv", ExactSpelling = true)]
        private static extern IntPtr getenv_libc(byte[] name);

        /// <summary>True when native getenv agrees with <see cref="Environment.GetEnvironmentVariable(string)"/> for every name.</summary>
        internal static bool MatchesManaged(params string[] names)
        {
            if (RuntimeInformation.IsOSPlatform(OSPlatform.Windows)) return true;
            foreach (var name in names)
            {
                string? native;
                try { native = Get(name); }
                catch (Exception e) when (e is DllNotFoundException || e is EntryPointNotFoundException) { return false; }
                var managed = Environment.GetEnvironmentVariable(name);
                if (!string.Equals(native, managed, StringComparison.Ordinal)) return false;
            }
            return true;
        }

        internal static string? Get(string name)
        {
            var n = Utf8.ToNative(name, nameof(name))!;
            try { return Utf8.PtrToString(getenv_glibc(n)); }
            catch (DllNotFoundException) { return Utf8.PtrToString(getenv_libc(n)); }
        }
    }
}
