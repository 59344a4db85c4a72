using System;
using System.IO;
using System.Management.Automation;
using System.Reflection;
using System.Runtime.InteropServices;

namespace Mimecast.Commands
{
    /// <summary>
    /// Import and removal of the module. On Windows PowerShell 5.1 (.NET Framework) there are no binding redirects for a
    /// module, so the netstandard2.0 dependencies shipped next to this assembly (System.Text.Json, System.Memory, ...)
    /// are resolved by simple name whatever version is asked for. PowerShell 7 has newer versions built in and needs
    /// nothing. On removal the session's connection is disposed, wiping its keys.
    /// </summary>
    /// <remarks>This class must not touch any type of those dependencies: it runs before they can be resolved.</remarks>
    public sealed class ModuleLifecycle : IModuleAssemblyInitializer, IModuleAssemblyCleanup
    {
        private static readonly string Directory = Path.GetDirectoryName(typeof(ModuleLifecycle).Assembly.Location) ?? ".";
        private static bool _resolverAdded;

        /// <summary>True on .NET Framework (Windows PowerShell 5.1).</summary>
        internal static bool IsDesktop =>
            RuntimeInformation.FrameworkDescription.StartsWith(".NET Framework", StringComparison.OrdinalIgnoreCase);

        /// <inheritdoc />
        public void OnImport()
        {
            if (!IsDesktop || _resolverAdded) return;
            _resolverAdded = true;
            AppDomain.CurrentDomain.AssemblyResolve += ResolveShippedDependency;
        }

        /// <inheritdoc />
        public void OnRemove(PSModuleInfo psModuleInfo)
        {
            ConnectionStore.Replace(null)?.Client.Dispose();
        }

        private static Assembly? ResolveShippedDependency(object? sender, ResolveEventArgs args)
        {
            var name = new AssemblyName(args.Name).Name;
            if (string.IsNullOrEmpty(name)) return null;
            var candidate = Path.Combine(Directory, name + ".dll");
            return File.Exists(candidate) ? Assembly.LoadFrom(candidate) : null;
        }
    }
}
