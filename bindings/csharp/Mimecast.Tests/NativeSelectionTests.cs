using System.IO;
using System.Linq;
using Mimecast.Native;
using Xunit;

namespace Mimecast.Tests
{
    /// <summary>
    /// Which native file the loader looks for, per OS and architecture (the NuGet package and the PowerShell
    /// module ship runtimes/{linux-x64,linux-arm64,win-x64}/native/). Pure: no file is loaded.
    /// </summary>
    public class NativeSelectionTests
    {
        [Theory]
        [InlineData("linux", "x64", "runtimes/linux-x64/native/libmimecast.so")]
        [InlineData("linux", "arm64", "runtimes/linux-arm64/native/libmimecast.so")]
        [InlineData("win", "x64", "runtimes/win-x64/native/libmimecast.dll")]
        [InlineData("osx", "arm64", "runtimes/osx-arm64/native/libmimecast.dylib")]
        public void LooksUnderItsOwnRuntimeFolder(string os, string arch, string expected)
        {
            var rids = NativeLibraryLoader.RuntimeIdentifiers(os, arch, null, false).ToList();
            Assert.Equal(new[] { os + "-" + arch }, rids);
            var module = Path.Combine("/m", "Mimecast", "lib");
            var list = NativeLibraryLoader.CandidatePaths(null, module, NativeLibraryLoader.FileNameFor(os), rids);
            Assert.Contains(Path.Combine(module, expected), list);
            // No other platform's folder or file is ever probed.
            foreach (var other in new[] { "linux-x64", "linux-arm64", "win-x64", "osx-arm64" })
                if (other != os + "-" + arch)
                    Assert.DoesNotContain(list, p => p.Contains(other));
            Assert.All(list, p => Assert.EndsWith(NativeLibraryLoader.FileNameFor(os), p));
        }

        [Fact]
        public void OnWindowsTheNativeFileIsNeverTheManagedAssembly()
        {
            // Windows file names are case-insensitive: mimecast.dll next to Mimecast.dll would be this assembly.
            Assert.Equal("libmimecast.dll", NativeLibraryLoader.FileNameFor("win"));
            var list = NativeLibraryLoader.CandidatePaths(null, "/app", NativeLibraryLoader.FileNameFor("win"),
                NativeLibraryLoader.RuntimeIdentifiers("win", "x64", "win-x64", false));
            Assert.DoesNotContain(list, p => Path.GetFileName(p).ToLowerInvariant() == "mimecast.dll");
        }

        [Fact]
        public void MostSpecificRuntimeIdentifierFirst()
        {
            var rids = NativeLibraryLoader.RuntimeIdentifiers("linux", "x64", "debian.12-x64", true).ToList();
            Assert.Equal(new[] { "debian.12-x64", "linux-musl-x64", "linux-x64" }, rids);
            Assert.Single(NativeLibraryLoader.RuntimeIdentifiers("linux", "x64", "linux-x64", false));
        }

        [Fact]
        public void CurrentProcessUsesItsOwnPlatform()
        {
            var rid = NativeLibraryLoader.CurrentOs + "-" + NativeLibraryLoader.CurrentArchitecture;
            Assert.Contains(rid, NativeLibraryLoader.RuntimeIdentifiers());
            Assert.Equal(NativeLibraryLoader.FileNameFor(NativeLibraryLoader.CurrentOs), NativeLibraryLoader.FileName);
        }
    }
}
