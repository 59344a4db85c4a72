using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Runtime.InteropServices;
using System.Text.Json;
using Mimecast.Native;
using Xunit;

namespace Mimecast.Tests
{
    /// <summary>The exception classes form exactly the tree of bindings/errors.json, the table shared with Python.</summary>
    public class TaxonomyTests
    {
        private static Type TypeOf(string name) => typeof(MimecastException).Assembly.GetType("Mimecast." + name, throwOnError: true)!;

        [Fact]
        public void ClassesFormTheTableTree()
        {
            var kinds = Repo.ErrorKinds().EnumerateArray().ToDictionary(k => k.GetProperty("kind").GetString()!);
            foreach (var kind in kinds.Values)
            {
                var cs = kind.GetProperty("csharp");
                if (cs.ValueKind == JsonValueKind.Null)
                {
                    // .NET's own exception for this case (ObjectDisposedException).
                    Assert.NotNull(Type.GetType(kind.GetProperty("csharp_platform").GetString()!, throwOnError: true));
                    continue;
                }
                var type = TypeOf(cs.GetString()!);
                Assert.True(type.IsPublic, type.Name);
                var parent = kind.GetProperty("parent");
                var expected = parent.ValueKind == JsonValueKind.Null
                    ? typeof(Exception)
                    : TypeOf(kinds[parent.GetString()!].GetProperty("csharp").GetString()!);
                Assert.Equal(expected, type.BaseType);
            }
        }

        [Fact]
        public void EveryPublicExceptionIsInTheTable()
        {
            var inTable = Repo.ErrorKinds().EnumerateArray()
                .Select(k => k.GetProperty("csharp")).Where(c => c.ValueKind == JsonValueKind.String).Select(c => c.GetString()!).ToHashSet();
            var inAssembly = typeof(MimecastException).Assembly.GetExportedTypes()
                .Where(t => typeof(MimecastException).IsAssignableFrom(t)).Select(t => t.Name).ToHashSet();
            Assert.Equal(inTable.OrderBy(x => x), inAssembly.OrderBy(x => x));
        }

        [Fact]
        public void EveryStatusRaisesItsKind()
        {
            foreach (MimecastStatus status in Enum.GetValues(typeof(MimecastStatus)))
            {
                if (status == MimecastStatus.Ok) continue;
                var name = Utf8.PtrToString(NativeMethods.mc_status_name((uint)status))!;
                Assert.Equal(status.ToString().ToUpperInvariant(), name.Substring("MC_STATUS_".Length).Replace("_", ""));
                var e = MimecastException.Create(new ErrorInfo(status, "m", 0, null, null, null));
                Assert.Equal(Repo.ExceptionFor(name), e.GetType());
                Assert.Equal(status, e.Status);
            }
        }

        [Fact]
        public void BindingExpiredIsAnAuthenticationException()
        {
            // The decision recorded in the table: expired keys are refused credentials.
            Assert.True(typeof(MimecastAuthenticationException).IsAssignableFrom(typeof(MimecastBindingExpiredException)));
        }
    }

    /// <summary>The generated declarations against the loaded library and the C compiler.</summary>
    public class AbiTests
    {
        private static JsonElement CLayouts()
        {
            var psi = new ProcessStartInfo("python3") { RedirectStandardOutput = true, UseShellExecute = false };
            psi.ArgumentList.Add(Repo.PathOf("tools", "struct_layout.py"));
            using var p = Process.Start(psi)!;
            var output = p.StandardOutput.ReadToEnd();
            p.WaitForExit();
            Assert.Equal(0, p.ExitCode);
            return JsonDocument.Parse(output).RootElement.Clone();
        }

        private static string Pascal(string snake) =>
            string.Concat(snake.Split('_').Select(w => char.ToUpperInvariant(w[0]) + w.Substring(1)));

        [Fact]
        public void StructLayoutsMatchTheCCompiler()
        {
            var layouts = CLayouts();
            // Every struct of the header, generated as Native<Name>, at the compiler's offsets.
            var names = layouts.EnumerateObject().Select(p => p.Name).ToList();
            Assert.Contains("mc_account", names);
            var structs = names.ToDictionary(n => n, n =>
                typeof(NativeMethods).Assembly.GetType("Mimecast.Native.Native" + Pascal(n.Substring(3)))
                ?? throw new Xunit.Sdk.XunitException("no generated struct for " + n));
            foreach (var (name, type) in structs)
            {
                var layout = layouts.GetProperty(name);
                Assert.Equal(layout.GetProperty("size").GetInt32(), Marshal.SizeOf(type));
                foreach (var field in layout.GetProperty("fields").EnumerateObject())
                    Assert.Equal(field.Value.GetInt32(), (int)Marshal.OffsetOf(type, Pascal(field.Name)));
            }
        }

        [Fact]
        public void LibraryMatchesTheHeaderVersionAndExportsEveryFunction()
        {
            Assert.Equal(NativeMethods.HeaderVersion, MimecastClient.NativeVersion);
            Assert.Null(NativeLibraryLoader.VersionMismatch("/x/libmimecast.so", MimecastClient.NativeVersion));
            Assert.True(NativeMethods.FunctionNames.Length >= 31);
#if !MIMECAST_NETSTANDARD
            var handle = NativeLibrary.Load(MimecastClient.NativeLibraryPath);
            foreach (var name in NativeMethods.FunctionNames)
                Assert.True(NativeLibrary.TryGetExport(handle, name, out _), name);
#endif
        }

        [Fact]
        public void AnotherLibraryVersionIsRefusedWithTheSameMessageAsPython()
        {
            var message = NativeLibraryLoader.VersionMismatch("/opt/lib/libmimecast.so", "9.9.9");
            Assert.Equal("libmimecast at /opt/lib/libmimecast.so is version '9.9.9', but this binding was generated from mimecast.h '"
                + NativeMethods.HeaderVersion + "': install matching versions (or point $MIMECAST_LIBRARY at the right build)", message);
        }
    }

    /// <summary>tests/shared/account-numbers.json and json-depth.json, exactly as in every other suite.</summary>
    public class SharedTableTests : EmulatorTests
    {
        public SharedTableTests(EmulatorFixture f) : base(f) { }

        public static IEnumerable<object[]> NumberCases() =>
            Repo.Shared("account-numbers.json").GetProperty("cases").EnumerateArray().Select(c => new object[] { c.GetProperty("name").GetString()! });

        private static long? Expected(JsonElement e, string name) =>
            e.GetProperty(name).ValueKind == JsonValueKind.Null ? (long?)null : e.GetProperty(name).GetInt64();

        [Theory]
        [MemberData(nameof(NumberCases))]
        public void AccountNumbers(string name)
        {
            var c = Repo.Shared("account-numbers.json").GetProperty("cases").EnumerateArray().Single(x => x.GetProperty("name").GetString() == name);
            var body = c.GetProperty("body").GetString()!;
            using var client = Emu.Client(new MimecastClientOptions { MaxRetries = 0 });
            Emu.RawBody(body);
            if (c.TryGetProperty("expect", out var expect))
            {
                var a = client.GetAccount();
                Assert.Equal(Expected(expect, "max_retention"), a.MaxRetention);
                Assert.Equal(Expected(expect, "user_count"), a.UserCount);
                Assert.Equal("Exämple Corp Ltd", a.AccountName);
                // Json is data[0] as sent, RawJson the whole body, in every language.
                Assert.Equal(body, a.RawJson);
                Assert.Contains(a.Json, body);
            }
            else
            {
                var e = Assert.ThrowsAny<MimecastException>(() => client.GetAccount());
                Assert.Equal(c.GetProperty("status").GetString(), Utf8.PtrToString(NativeMethods.mc_status_name((uint)e.Status)));
                Assert.Contains(c.GetProperty("names").GetString()!, e.Message);
            }
        }

        [Fact]
        public void JsonDepthIsTheCores()
        {
            var table = Repo.Shared("json-depth.json");
            using var client = Emu.Client(new MimecastClientOptions { MaxRetries = 0 });
            foreach (var c in table.GetProperty("cases").EnumerateArray())
            {
                var d = c.GetProperty("depth");
                // A number, or MC_MAX_JSON_DEPTH (+ 1) of the header, from the generated declarations.
                int depth = d.ValueKind == JsonValueKind.Number ? d.GetInt32()
                    : d.GetString() == "MC_MAX_JSON_DEPTH" ? NativeMethods.McMaxJsonDepth
                    : d.GetString() == "MC_MAX_JSON_DEPTH + 1" ? NativeMethods.McMaxJsonDepth + 1
                    : throw new InvalidOperationException("unknown depth " + d);
                Emu.RawBody("{\"meta\":{\"status\":200},\"fail\":[],\"data\":" + new string('[', depth - 1) + new string(']', depth - 1) + "}");
                if (c.GetProperty("status").GetString() == "MC_STATUS_OK")
                {
                    var data = client.Request("/api/x/y").Data;
                    for (int i = 0; i < depth - 2; i++) data = data[0];
                    Assert.Equal(0, data.GetArrayLength());
                }
                else
                {
                    var e = Assert.ThrowsAny<MimecastException>(() => client.Request("/api/x/y"));
                    Assert.Equal(c.GetProperty("status").GetString(), Utf8.PtrToString(NativeMethods.mc_status_name((uint)e.Status)));
                }
            }
        }

        [Fact]
        public void DeepPagesAreReadToo()
        {
            using var client = Emu.Client(new MimecastClientOptions { MaxRetries = 0 });
            Emu.RawBody("{\"meta\":{\"status\":200},\"fail\":[],\"data\":[" + new string('[', 98) + new string(']', 98) + "]}");
            Assert.Single(client.Paginate("/api/audit/get-audit-events", null, 5).ToList());
        }
    }
}
