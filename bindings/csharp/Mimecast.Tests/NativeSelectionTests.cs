using System.IO;
using System.Linq;
using System.Runtime.InteropServices;
using Mimecast.Native;
using Xunit;

namespace Mimecast.Tests
{
    /// <summary>
    /// What the loader tries, per OS and architecture, against the layouts the packages ship (NuGet:
    /// runtimes/{linux-x64,linux-arm64}/native/libmimecast.so and runtimes/win-x64/native/libmimecast.dll).
    /// Pure: no file is loaded.
    /// </summary>
    public class NativeSelectionTests
    {
        [Theory]
        [InlineData("linux", Architecture.X64, "runtimes/linux-x64/native/libmimecast.so")]
        [InlineData("linux", Architecture.Arm64, "runtimes/linux-arm64/native/libmimecast.so")]
        [InlineData("win", Architecture.X64, "runtimes/win-x64/native/libmimecast.dll")]
        public void ProbesThePackagesFileForItsPlatform(string os, Architecture arch, string packaged)
        {
            var lib = Path.Combine("/pkg", "lib", "netstandard2.0");
            var list = NativeLibraryLoader.ProbeOrder(null, lib, os, arch);
            Assert.Contains(Path.GetFullPath(Path.Combine("/pkg", packaged)), list);
            var rid = packaged.Split('/')[1];
            foreach (var other in new[] { "linux-x64", "linux-arm64", "win-x64" })
                if (other != rid)
                    Assert.DoesNotContain(list, p => p.Contains(other));
        }

        [Fact]
        public void OnWindowsTheManagedAssemblyIsNeverACandidate()
        {
            // Mimecast.dll is mimecast.dll on a case-insensitive file system.
            var list = NativeLibraryLoader.ProbeOrder(null, "/app", "win", Architecture.X64);
            Assert.DoesNotContain(Path.Combine("/app", "mimecast.dll"), list);
            // A RID-specific publish puts libmimecast.dll next to the app: tried first.
            Assert.Equal(Path.Combine("/app", "libmimecast.dll"), list[0]);
        }

        [Fact]
        public void EnvironmentVariableStaysFirst()
        {
            var list = NativeLibraryLoader.ProbeOrder(@"C:\x\libmimecast.dll", "/app", "win", Architecture.X64);
            Assert.Equal(@"C:\x\libmimecast.dll", list[0]);
        }
    }
}
