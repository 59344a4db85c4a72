using System;
using System.Collections.Generic;
using System.IO;
using System.Reflection;
using System.Runtime.InteropServices;

namespace Mimecast.Native
{
    /// <summary>
    /// Finds libmimecast. Order: the file named by <c>MIMECAST_LIBRARY</c>; the assembly's directory;
    /// <c>runtimes/&lt;rid&gt;/native/</c> under the assembly's directory and under the NuGet package root
    /// (<c>lib/&lt;tfm&gt;/../../runtimes/...</c>); finally the runtime's default probing (deps.json, system paths).
    /// On .NET Core 3.0+ (both targets) a DllImport resolver returns the handle found; on .NET Framework
    /// (netstandard2.0 asset in Windows PowerShell 5.1) the library is preloaded with LoadLibrary so that
    /// DllImport("mimecast") binds to it. When nothing loads, <see cref="DllNotFoundException"/> lists every place tried.
    /// </summary>
    internal static class NativeLibraryLoader
    {
        /// <summary>Environment variable naming the native library file to use.</summary>
        internal const string EnvironmentVariable = "MIMECAST_LIBRARY";

        private static readonly object Gate = new object();
        private static IntPtr _handle;
        private static string? _loadedFrom;
        private static bool _resolverRegistered;

        /// <summary>Full path (or name) the native library was loaded from, once loaded.</summary>
        internal static string? LoadedFrom => _loadedFrom;

        internal static bool IsWindows => RuntimeInformation.IsOSPlatform(OSPlatform.Windows);
        internal static bool IsMacOS => RuntimeInformation.IsOSPlatform(OSPlatform.OSX);

        /// <summary>This process' OS as runtime identifiers name it: win, osx or linux.</summary>
        internal static string CurrentOs => IsWindows ? "win" : IsMacOS ? "osx" : "linux";

        /// <summary>This process' architecture as runtime identifiers name it: x64, arm64, ...</summary>
        internal static string CurrentArchitecture
        {
            get
            {
                switch (RuntimeInformation.ProcessArchitecture)
                {
                    case Architecture.X64: return "x64";
                    case Architecture.X86: return "x86";
                    case Architecture.Arm64: return "arm64";
                    case Architecture.Arm: return "arm";
                    default: return RuntimeInformation.ProcessArchitecture.ToString().ToLowerInvariant();
                }
            }
        }

        /// <summary>File name of the native library on this OS.</summary>
        internal static string FileName => FileNameFor(CurrentOs);

        /// <summary>
        /// File name of the native library on an OS (win, osx, linux). On Windows it is libmimecast.dll, not
        /// mimecast.dll: file names are case-insensitive there, and mimecast.dll would be this assembly
        /// (Mimecast.dll) itself, both next to it and in a RID-specific publish, which copies native assets
        /// beside the managed ones (NETSDK1152).
        /// </summary>
        internal static string FileNameFor(string os) =>
            os == "win" ? "libmimecast.dll" : os == "osx" ? "libmimecast.dylib" : "libmimecast.so";

        /// <summary>Portable runtime identifiers to probe under runtimes/, most specific first.</summary>
        internal static IEnumerable<string> RuntimeIdentifiers() =>
            RuntimeIdentifiers(CurrentOs, CurrentArchitecture, CurrentRuntimeIdentifier(), File.Exists("/etc/alpine-release"));

        private static string? CurrentRuntimeIdentifier()
        {
#if NET5_0_OR_GREATER
            return RuntimeInformation.RuntimeIdentifier;
#else
            return null;
#endif
        }

        /// <summary>The runtime identifiers to probe for an OS and architecture, most specific first.</summary>
        internal static IEnumerable<string> RuntimeIdentifiers(string os, string arch, string? runtimeIdentifier, bool musl)
        {
            var rids = new List<string>();
            if (!string.IsNullOrEmpty(runtimeIdentifier)) rids.Add(runtimeIdentifier!);
            if (os == "linux" && musl) rids.Add("linux-musl-" + arch);
            rids.Add(os + "-" + arch);
            var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
            foreach (var rid in rids)
                if (seen.Add(rid)) yield return rid;
        }

        /// <summary>The candidate file paths, in probing order, for this process.</summary>
        internal static List<string> CandidatePaths(string? environmentValue, string? assemblyDirectory) =>
            CandidatePaths(environmentValue, assemblyDirectory, FileName, RuntimeIdentifiers());

        /// <summary>The candidate file paths, in probing order, for a native file name and runtime identifiers.</summary>
        internal static List<string> CandidatePaths(string? environmentValue, string? assemblyDirectory, string fileName, IEnumerable<string> runtimeIdentifiers)
        {
            var rids = new List<string>(runtimeIdentifiers);
            var list = new List<string>();
            if (!string.IsNullOrEmpty(environmentValue))
                list.Add(environmentValue!);
            if (!string.IsNullOrEmpty(assemblyDirectory))
            {
                list.Add(Path.Combine(assemblyDirectory!, fileName));
                foreach (var rid in rids)
                    list.Add(Path.Combine(assemblyDirectory!, "runtimes", rid, "native", fileName));
                // NuGet package layout: <pkg>/lib/<tfm>/Mimecast.dll and <pkg>/runtimes/<rid>/native/...
                var packageRoot = Path.GetFullPath(Path.Combine(assemblyDirectory!, "..", ".."));
                foreach (var rid in rids)
                    list.Add(Path.Combine(packageRoot, "runtimes", rid, "native", fileName));
            }
            return list;
        }

        private static string? AssemblyDirectory()
        {
            try
            {
                var location = typeof(NativeLibraryLoader).Assembly.Location;
                if (!string.IsNullOrEmpty(location)) return Path.GetDirectoryName(location);
            }
            catch (NotSupportedException) { }
            return string.IsNullOrEmpty(AppContext.BaseDirectory) ? null : AppContext.BaseDirectory;
        }

        /// <summary>Loads the library once; throws <see cref="DllNotFoundException"/> listing the places tried.</summary>
        internal static void EnsureLoaded()
        {
            if (System.Threading.Volatile.Read(ref _handle) != IntPtr.Zero) return;
            lock (Gate)
            {
                if (_handle != IntPtr.Zero) return;
                var env = Environment.GetEnvironmentVariable(EnvironmentVariable);
                var candidates = CandidatePaths(env, AssemblyDirectory());
                var tried = new List<string>();
                IntPtr handle = IntPtr.Zero;
                string? from = null;

                if (!string.IsNullOrEmpty(env))
                {
                    // An explicit override must work or fail loudly; never fall back silently.
                    handle = TryLoadFile(env!, tried);
                    if (handle == IntPtr.Zero)
                        throw NotFound(tried, env);
                    from = env;
                }
                else
                {
                    foreach (var path in candidates)
                    {
                        if (!File.Exists(path)) { tried.Add(path + " (no such file)"); continue; }
                        handle = TryLoadFile(path, tried);
                        if (handle != IntPtr.Zero) { from = path; break; }
                    }
                    if (handle == IntPtr.Zero)
                    {
                        handle = TryLoadDefault(tried);
                        if (handle != IntPtr.Zero) from = FileName + " (default search)";
                    }
                    if (handle == IntPtr.Zero)
                        throw NotFound(tried, null);
                }

                _loadedFrom = from;
                System.Threading.Volatile.Write(ref _handle, handle);
                RegisterResolver();
            }
        }

        /// <summary>The exception raised when the library cannot be loaded, listing the places tried.</summary>
        internal static DllNotFoundException NotFound(IEnumerable<string> tried, string? env)
        {
            var msg = "The native library libmimecast could not be loaded. "
                + (env != null
                    ? "MIMECAST_LIBRARY is set to '" + env + "' and that file could not be loaded. "
                    : "Set MIMECAST_LIBRARY to the full path of " + FileName + ", or place it next to Mimecast.dll or under runtimes/<rid>/native/. ")
                + "Tried: " + string.Join("; ", tried);
            return new DllNotFoundException(msg);
        }

        private static IntPtr TryLoadFile(string path, List<string> tried)
        {
            try
            {
                var h = LoadFile(path, out var error);
                if (h == IntPtr.Zero) tried.Add(path + " (" + error + ")");
                return h;
            }
            catch (Exception e) when (e is DllNotFoundException || e is BadImageFormatException || e is EntryPointNotFoundException)
            {
                tried.Add(path + " (" + e.Message + ")");
                return IntPtr.Zero;
            }
        }

        private static IntPtr LoadFile(string path, out string error)
        {
            error = "could not be loaded";
#if NET5_0_OR_GREATER
            if (NativeLibrary.TryLoad(path, out var h)) return h;
            return IntPtr.Zero;
#else
            if (IsWindows)
            {
                var h = LoadLibraryW(path);
                if (h == IntPtr.Zero) error = "LoadLibrary error " + Marshal.GetLastWin32Error();
                return h;
            }
            var d = Dl.Open(path, out var dlerr);
            if (d == IntPtr.Zero && dlerr != null) error = dlerr;
            return d;
#endif
        }

        private static IntPtr TryLoadDefault(List<string> tried)
        {
#if NET5_0_OR_GREATER
            // By the file's own base name (libmimecast): on Windows, "mimecast" would find this assembly.
            var name = Path.GetFileNameWithoutExtension(FileName);
            if (NativeLibrary.TryLoad(name, typeof(NativeLibraryLoader).Assembly, null, out var h)) return h;
            tried.Add("'" + name + "' via the runtime's default search (deps.json, system library path)");
            return IntPtr.Zero;
#else
            var h = TryLoadFile(FileName, new List<string>());
            if (h == IntPtr.Zero) tried.Add("'" + FileName + "' via the system library search path");
            return h;
#endif
        }

        private static void RegisterResolver()
        {
            if (_resolverRegistered) return;
            _resolverRegistered = true;
#if NET5_0_OR_GREATER
            try { NativeLibrary.SetDllImportResolver(typeof(NativeLibraryLoader).Assembly, Resolve); }
            catch (InvalidOperationException) { /* a resolver was already set for this assembly (by the host) */ }
#else
            // netstandard2.0 running on .NET Core 3.0+ (e.g. PowerShell 7): register the resolver by reflection.
            try
            {
                var nl = Type.GetType("System.Runtime.InteropServices.NativeLibrary, System.Runtime.InteropServices", throwOnError: false)
                    ?? Type.GetType("System.Runtime.InteropServices.NativeLibrary", throwOnError: false);
                var resolverType = Type.GetType("System.Runtime.InteropServices.DllImportResolver, System.Runtime.InteropServices", throwOnError: false)
                    ?? Type.GetType("System.Runtime.InteropServices.DllImportResolver", throwOnError: false);
                if (nl == null || resolverType == null) return; // .NET Framework: the LoadLibrary preload above does the job
                var set = nl.GetMethod("SetDllImportResolver", BindingFlags.Public | BindingFlags.Static);
                var target = typeof(NativeLibraryLoader).GetMethod(nameof(Resolve), BindingFlags.NonPublic | BindingFlags.Static);
                if (set == null || target == null) return;
                var del = Delegate.CreateDelegate(resolverType, target);
                set.Invoke(null, new object[] { typeof(NativeLibraryLoader).Assembly, del });
            }
            catch (Exception) { /* best effort: the preloaded handle still serves DllImport on most hosts */ }
#endif
        }

        private static IntPtr Resolve(string libraryName, Assembly assembly, DllImportSearchPath? searchPath)
        {
            if (libraryName == NativeMethods.Library) return _handle;
            return IntPtr.Zero;
        }

#if !NET5_0_OR_GREATER
        [DllImport("kernel32", CharSet = CharSet.Unicode, SetLastError = true, ExactSpelling = true)]
        private static extern IntPtr LoadLibraryW(string path);

        private static class Dl
        {
            private const int RTLD_NOW = 2;
            private const int RTLD_GLOBAL = 0x100;

            [DllImport("libdl.so.2", EntryPoint = "dlopen")] private static extern IntPtr dlopen_glibc(byte[] file, int mode);
            [DllImport("libdl.so.2", EntryPoint = "dlerror")] private static extern IntPtr dlerror_glibc();
            [DllImport("libSystem.dylib", EntryPoint = "dlopen")] private static extern IntPtr dlopen_mac(byte[] file, int mode);
            [DllImport("libSystem.dylib", EntryPoint = "dlerror")] private static extern IntPtr dlerror_mac();
            [DllImport("libc", EntryPoint = "dlopen")] private static extern IntPtr dlopen_libc(byte[] file, int mode);
            [DllImport("libc", EntryPoint = "dlerror")] private static extern IntPtr dlerror_libc();

            internal static IntPtr Open(string path, out string? error)
            {
                var file = Utf8.ToNative(path, "path");
                error = null;
                try
                {
                    if (IsMacOS) { var h = dlopen_mac(file!, RTLD_NOW | RTLD_GLOBAL); if (h == IntPtr.Zero) error = Utf8.PtrToString(dlerror_mac()); return h; }
                    try { var h = dlopen_glibc(file!, RTLD_NOW | RTLD_GLOBAL); if (h == IntPtr.Zero) error = Utf8.PtrToString(dlerror_glibc()); return h; }
                    catch (DllNotFoundException) { var h = dlopen_libc(file!, RTLD_NOW | RTLD_GLOBAL); if (h == IntPtr.Zero) error = Utf8.PtrToString(dlerror_libc()); return h; }
                }
                catch (Exception e) when (e is DllNotFoundException || e is EntryPointNotFoundException)
                {
                    error = e.Message;
                    return IntPtr.Zero;
                }
            }
        }
#endif
    }
}
