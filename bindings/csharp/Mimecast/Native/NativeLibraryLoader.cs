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
    /// The library found must then pass the one ABI check every binding makes (<see cref="VersionMismatch"/>).
    /// </summary>
    internal static class NativeLibraryLoader
    {
        /// <summary>Environment variable naming the native library file to use.</summary>
        internal const string EnvironmentVariable = "MIMECAST_LIBRARY";

        private static readonly object Gate = new object();
        private static IntPtr _handle;
        private static bool _ready;
        private static string? _unusable;
        private static string? _loadedFrom;
        private static bool _resolverRegistered;

        /// <summary>Full path (or name) the native library was loaded from, once loaded.</summary>
        internal static string? LoadedFrom => _loadedFrom;

        internal static bool IsWindows => RuntimeInformation.IsOSPlatform(OSPlatform.Windows);
        internal static bool IsMacOS => RuntimeInformation.IsOSPlatform(OSPlatform.OSX);

        /// <summary>This process' OS as a runtime identifier prefix: win, osx or linux.</summary>
        internal static string CurrentOS => IsWindows ? "win" : IsMacOS ? "osx" : "linux";

        /// <summary>File name of the native library on this OS.</summary>
        internal static string FileName => FileNameFor(CurrentOS);

        /// <summary>File name of the native library on <paramref name="os"/> (win, osx, linux).</summary>
        internal static string FileNameFor(string os) =>
            os == "win" ? "mimecast.dll" : os == "osx" ? "libmimecast.dylib" : "libmimecast.so";

        /// <summary>
        /// The name the NuGet package gives the Windows library, probed first on Windows. Windows file names are
        /// case-insensitive: a native mimecast.dll is this assembly, Mimecast.dll, as soon as the two share a folder,
        /// which `dotnet publish -r win-x64` does (it fails with NETSDK1152). For the same reason the loader never
        /// probes a native file named like this assembly next to it.
        /// </summary>
        internal const string WindowsPackageFileName = "libmimecast.dll";

        /// <summary>
        /// Everything <see cref="EnsureLoaded"/> tries for an OS and architecture, in order (before the runtime's
        /// default search): on Windows the package's libmimecast.dll locations, then <see cref="CandidatePaths(string?, string?, string, Architecture)"/>.
        /// </summary>
        internal static List<string> ProbeOrder(string? environmentValue, string? assemblyDirectory, string os, Architecture architecture) =>
            WithWindowsPackageFile(CandidatePaths(environmentValue, assemblyDirectory, os, architecture), environmentValue,
                assemblyDirectory, os, RuntimeIdentifiers(os, architecture, musl: false));

        private static List<string> WithWindowsPackageFile(List<string> candidates, string? environmentValue,
            string? assemblyDirectory, string os, IEnumerable<string> rids)
        {
            if (os != "win" || string.IsNullOrEmpty(assemblyDirectory)) return candidates;
            var first = CandidatePaths(null, assemblyDirectory, WindowsPackageFileName, rids);
            candidates.InsertRange(string.IsNullOrEmpty(environmentValue) ? 0 : 1, first);
            return candidates;
        }

        /// <summary>Portable runtime identifiers to probe under runtimes/, most specific first.</summary>
        internal static IEnumerable<string> RuntimeIdentifiers()
        {
            var rids = new List<string>();
#if NET5_0_OR_GREATER
            rids.Add(RuntimeInformation.RuntimeIdentifier);
#endif
            bool musl = CurrentOS == "linux" && File.Exists("/etc/alpine-release");
            rids.AddRange(RuntimeIdentifiers(CurrentOS, RuntimeInformation.ProcessArchitecture, musl));
            var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
            foreach (var rid in rids)
                if (seen.Add(rid)) yield return rid;
        }

        /// <summary>
        /// The portable runtime identifiers for an OS (win, osx, linux) and a process architecture, most specific first.
        /// A pure function of its arguments, so that the choice can be tested for every platform on any machine.
        /// </summary>
        internal static IEnumerable<string> RuntimeIdentifiers(string os, Architecture architecture, bool musl)
        {
            string arch;
            switch (architecture)
            {
                case Architecture.X64: arch = "x64"; break;
                case Architecture.X86: arch = "x86"; break;
                case Architecture.Arm64: arch = "arm64"; break;
                case Architecture.Arm: arch = "arm"; break;
                default: arch = architecture.ToString().ToLowerInvariant(); break;
            }
            if (os == "linux" && musl) yield return "linux-musl-" + arch;
            yield return os + "-" + arch;
        }

        /// <summary>The candidate file paths on this machine, in probing order.</summary>
        internal static List<string> CandidatePaths(string? environmentValue, string? assemblyDirectory) =>
            CandidatePaths(environmentValue, assemblyDirectory, FileName, RuntimeIdentifiers());

        /// <summary>
        /// The candidate file paths for an OS (win, osx, linux) and process architecture, in probing order:
        /// what <see cref="EnsureLoaded"/> would try there (without the runtime's default search).
        /// </summary>
        internal static List<string> CandidatePaths(string? environmentValue, string? assemblyDirectory, string os, Architecture architecture) =>
            CandidatePaths(environmentValue, assemblyDirectory, FileNameFor(os), RuntimeIdentifiers(os, architecture, musl: false));

        private static List<string> CandidatePaths(string? environmentValue, string? assemblyDirectory, string fileName, IEnumerable<string> rids)
        {
            var list = new List<string>();
            if (!string.IsNullOrEmpty(environmentValue))
                list.Add(environmentValue!);
            if (!string.IsNullOrEmpty(assemblyDirectory))
            {
                var ridList = new List<string>(rids);
                // Never this assembly itself (Mimecast.dll is mimecast.dll where names are case-insensitive).
                if (!string.Equals(fileName, typeof(NativeLibraryLoader).Assembly.GetName().Name + ".dll", StringComparison.OrdinalIgnoreCase))
                    list.Add(Path.Combine(assemblyDirectory!, fileName));
                foreach (var rid in ridList)
                    list.Add(Path.Combine(assemblyDirectory!, "runtimes", rid, "native", fileName));
                // NuGet package layout: <pkg>/lib/<tfm>/Mimecast.dll and <pkg>/runtimes/<rid>/native/...
                var packageRoot = Path.GetFullPath(Path.Combine(assemblyDirectory!, "..", ".."));
                foreach (var rid in ridList)
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
            if (System.Threading.Volatile.Read(ref _ready)) return;
            lock (Gate)
            {
                if (_ready) return;
                if (_unusable != null) throw new DllNotFoundException(_unusable);
                var env = Environment.GetEnvironmentVariable(EnvironmentVariable);
                var directory = AssemblyDirectory();
                var candidates = WithWindowsPackageFile(CandidatePaths(env, directory), env, directory, CurrentOS, RuntimeIdentifiers());
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
                _handle = handle;
                RegisterResolver();
                _unusable = CheckAbi(from!, handle);
                if (_unusable != null) throw new DllNotFoundException(_unusable);
                System.Threading.Volatile.Write(ref _ready, true);
            }
        }

        /// <summary>
        /// The one ABI check, the same in every binding: the library's mc_version() must equal the version of the header
        /// the declarations were generated from (<see cref="NativeMethods.HeaderVersion"/>). Returns the error message, or
        /// null when they match.
        /// </summary>
        internal static string? VersionMismatch(string path, string native) =>
            native == NativeMethods.HeaderVersion
                ? null
                : "libmimecast at " + path + " is version '" + native + "', but this binding was generated from mimecast.h '"
                    + NativeMethods.HeaderVersion + "': install matching versions (or point $" + EnvironmentVariable
                    + " at the right build)";

        private static string? CheckAbi(string path, IntPtr handle)
        {
            string native;
            try { native = Utf8.PtrToString(NativeMethods.mc_version()) ?? string.Empty; }
            catch (EntryPointNotFoundException) { return path + " is not libmimecast: it has no mc_version()"; }
            var mismatch = VersionMismatch(path, native);
            if (mismatch != null) return mismatch;
#if NET5_0_OR_GREATER
            // Same version, fewer exports: a broken build (older runtimes would only fail at the first call).
            var missing = new List<string>();
            foreach (var name in NativeMethods.FunctionNames)
                if (!NativeLibrary.TryGetExport(handle, name, out _)) missing.Add(name);
            if (missing.Count > 0)
                return path + " is not a complete libmimecast " + NativeMethods.HeaderVersion + ": it lacks " + string.Join(", ", missing);
#endif
            return null;
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
            // On Windows "mimecast" would find this assembly (Mimecast.dll): ask for the package's name there.
            var name = IsWindows ? Path.GetFileNameWithoutExtension(WindowsPackageFileName) : NativeMethods.Library;
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
