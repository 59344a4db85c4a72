using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Runtime.InteropServices;
using System.Text.Json;
using System.Threading.Tasks;
using Mimecast.Native;
using Xunit;

namespace Mimecast.Tests
{
    public class PaginationTests : EmulatorTests
    {
        private const string AuditPath = "/api/audit/get-audit-events";
        public PaginationTests(EmulatorFixture f) : base(f) { }

        [Theory]
        [InlineData(3, 3)]
        [InlineData(7, 1)]
        [InlineData(0, 1)]
        [InlineData(500, 1)]
        public void PaginateReturnsEveryItemAndStopsAtTheLastPage(int pageSize, int expectedPages)
        {
            using var c = Emu.Client();
            var items = c.Paginate(AuditPath, null, pageSize).ToList();
            Assert.Equal(7, items.Count); // emulator default --page-items 7
            Assert.Equal(7, items.Select(i => i.GetRawText()).Distinct().Count());
            Assert.Equal(expectedPages, Emu.Stats().GetProperty("requests").GetInt32());
        }

        [Fact]
        public void PaginateIsLazy()
        {
            using var c = Emu.Client();
            var first = c.Paginate(AuditPath, null, 2).First();
            Assert.Equal(JsonValueKind.Object, first.ValueKind);
            Assert.Equal(1, Emu.Stats().GetProperty("requests").GetInt32());
        }

        [Fact]
        public void RequestPageGivesNextToken()
        {
            using var c = Emu.Client();
            var p1 = c.RequestPage(AuditPath, null, 5);
            Assert.NotNull(p1.NextPageToken);
            Assert.Equal(5, p1.Data.GetArrayLength());
            var p2 = c.RequestPage(AuditPath, null, 5, p1.NextPageToken);
            Assert.Null(p2.NextPageToken);
            Assert.Equal(2, p2.Data.GetArrayLength());
        }

        [Fact]
        public void PageFailThrows()
        {
            using var c = Emu.Client();
            Emu.Fault("page_fail", 1, new { page = 2 });
            var seen = new List<JsonElement>();
            var e = Assert.Throws<MimecastApiFailureException>(() => { foreach (var i in c.Paginate(AuditPath, null, 3)) seen.Add(i); });
            Assert.Equal(MimecastStatus.ApiFailure, e.Status);
            Assert.False(string.IsNullOrEmpty(e.ErrorCode));
            Assert.Equal(3, seen.Count); // page 1 only
        }

        [Fact]
        public async Task PaginateAsyncReturnsEveryItem()
        {
            using var c = Emu.Client();
            var n = 0;
            await foreach (var _ in c.PaginateAsync(AuditPath, null, 2)) n++;
            Assert.Equal(7, n);
            Assert.Equal(4, Emu.Stats().GetProperty("requests").GetInt32());
        }

        [Fact]
        public async Task PaginateAsyncPageFailThrows()
        {
            using var c = Emu.Client();
            Emu.Fault("page_fail", 1, new { page = 1 });
            await Assert.ThrowsAsync<MimecastApiFailureException>(async () => { await foreach (var _ in c.PaginateAsync(AuditPath, null, 3)) { } });
        }

        /// <summary>Issue 10 item 6: pages A -> B -> A looped forever; the native pager ends the pull at a repeated token.</summary>
        private void QueueCycle()
        {
            foreach (var (item, token) in new[] { (1, "A"), (2, "B"), (3, "A") })
                Emu.RawBody("{\"meta\":{\"status\":200,\"pagination\":{\"pageSize\":1,\"next\":\"" + token + "\"}},\"data\":[{\"id\":" + item + "}],\"fail\":[]}");
        }

        [Fact]
        public void ATokenCycleEndsThePull()
        {
            using var c = Emu.Client(new MimecastClientOptions { MaxRetries = 0 });
            QueueCycle();
            var seen = new List<int>();
            var e = Assert.Throws<MimecastMalformedResponseException>(() => { foreach (var i in c.Paginate(AuditPath, null, 1)) seen.Add(i.GetProperty("id").GetInt32()); });
            Assert.Equal(new[] { 1, 2, 3 }, seen); // the third page is new; the pull ends after it
            Assert.Contains("already sent", e.Message);
            Assert.Equal(3, Emu.Stats().GetProperty("requests").GetInt32());
        }

        [Fact]
        public async Task ATokenCycleEndsTheAsyncPull()
        {
            using var c = Emu.Client(new MimecastClientOptions { MaxRetries = 0 });
            QueueCycle();
            var seen = new List<int>();
            await Assert.ThrowsAsync<MimecastMalformedResponseException>(async () =>
            {
                await foreach (var i in c.PaginateAsync(AuditPath, null, 1)) seen.Add(i.GetProperty("id").GetInt32());
            });
            Assert.Equal(new[] { 1, 2, 3 }, seen); // the third page is new; the pull ends after it
            Assert.Equal(3, Emu.Stats().GetProperty("requests").GetInt32());
        }

        [Fact]
        public void DisposingTheClientEndsThePull()
        {
            var c = Emu.Client();
            using var pages = c.Paginate(AuditPath, null, 2).GetEnumerator();
            Assert.True(pages.MoveNext());
            c.Dispose();
            Assert.True(pages.MoveNext()); // the rest of the first page is already here
            Assert.Throws<ObjectDisposedException>(() => pages.MoveNext());
        }

        [Fact]
        public void ArgumentChecks()
        {
            using var c = Emu.Client();
            Assert.Equal("pageSize", Assert.Throws<ArgumentOutOfRangeException>(() => c.Paginate(AuditPath, null, -1)).ParamName);
            Assert.Equal("path", Assert.Throws<ArgumentNullException>(() => c.Paginate(null!)).ParamName);
        }
    }

    public class RetryProxyLogTests : EmulatorTests
    {
        public RetryProxyLogTests(EmulatorFixture f) : base(f) { }

        [Fact]
        public void RateLimitedOnceThenSuccessIsRetried()
        {
            using var c = Emu.Client();
            Emu.Fault("rate_limited", 1, new { reset_ms = 200 });
            var r = c.Request("/api/x");
            Assert.Equal(1, r.RetryCount);
            Assert.Equal(2, Emu.Stats().GetProperty("requests").GetInt32());
        }

        [Fact]
        public void ServerErrorOnceThenSuccessIsRetried()
        {
            using var c = Emu.Client(new MimecastClientOptions { MaxRetries = 2, RetryBudget = TimeSpan.FromSeconds(20) });
            Emu.Fault("server_error");
            Assert.Equal("CUSA12A345", c.GetAccount().AccountCode);
            Assert.Equal(2, Emu.Stats().GetProperty("requests").GetInt32());
        }

        [Fact]
        public void GenericRequestThatMayHaveBeenProcessedIsNotRepeatedUnlessAllowed()
        {
            using var c = Emu.Client(new MimecastClientOptions { MaxRetries = 3 });
            Emu.Fault("server_error");
            var e = Assert.ThrowsAny<MimecastException>(() => c.Request("/api/directory/add-group-member"));
            Assert.Equal(500, e.HttpStatus);
            Assert.Equal(1, Emu.Stats().GetProperty("requests").GetInt32());
            using var allowed = Emu.Client(new MimecastClientOptions { MaxRetries = 3, RetryAfterSend = true });
            Emu.Fault("server_error");
            Assert.Equal(1, allowed.Request("/api/directory/add-group-member").RetryCount);
        }

        [Fact]
        public void RetriesDisabled()
        {
            using var c = Emu.Client(new MimecastClientOptions { MaxRetries = 0 });
            Emu.Fault("rate_limited", 1, new { reset_ms = 200 });
            Assert.Throws<MimecastRateLimitedException>(() => c.GetAccount());
            Assert.Equal(1, Emu.Stats().GetProperty("requests").GetInt32());
        }

        [Fact]
        public void ExplicitProxyIsUsed()
        {
            Assert.NotNull(Emu.ProxyUrl);
            using var c = Emu.Client(new MimecastClientOptions { Proxy = Emu.ProxyUrl });
            AccountTests.AssertEmulatorAccount(c.GetAccount());
            var s = Emu.Stats();
            Assert.True(s.GetProperty("proxy_requests").GetInt32() + s.GetProperty("proxy_tunnels").GetInt32() >= 1, s.GetRawText());
        }

        [Fact]
        public void EmptyProxyMeansDirect()
        {
            using var c = Emu.Client(new MimecastClientOptions { Proxy = "" });
            c.GetAccount();
            var s = Emu.Stats();
            Assert.Equal(0, s.GetProperty("proxy_requests").GetInt32() + s.GetProperty("proxy_tunnels").GetInt32());
        }

        [Fact]
        public void BadProxyUrlIsRejected()
        {
            Assert.ThrowsAny<MimecastException>(() => Emu.Client(new MimecastClientOptions { Proxy = "not a url" }));
        }

        [Fact]
        public void LoggerReceivesRedactedMessages()
        {
            var log = new ConcurrentQueue<(MimecastLogLevel, string)>();
            using (var c = Emu.Client(new MimecastClientOptions { Logger = (l, m) => log.Enqueue((l, m)), LogLevel = MimecastLogLevel.Debug }))
            {
                GC.Collect(); GC.WaitForPendingFinalizers(); GC.Collect(); // the callback delegate must survive
                c.GetAccount();
                Emu.Fault("rate_limited", 1, new { reset_ms = 100 });
                c.GetAccount();
            }
            Assert.NotEmpty(log);
            Assert.Contains(log, e => e.Item1 == MimecastLogLevel.Warn); // the retry
            foreach (var (_, m) in log)
            {
                Assert.DoesNotContain(Emulator.SecretKey, m);
                Assert.DoesNotContain(Emulator.AccessKey, m);
                Assert.DoesNotContain(Emulator.AppKey, m);
            }
        }

        [Fact]
        public void LoggerLevelFiltersAndThrowingLoggerIsHarmless()
        {
            var levels = new ConcurrentBag<MimecastLogLevel>();
            using var c = Emu.Client(new MimecastClientOptions
            {
                Logger = (l, m) => { levels.Add(l); throw new InvalidOperationException("boom"); },
                LogLevel = MimecastLogLevel.Warn,
                MaxRetries = 1,
            });
            Emu.Fault("rate_limited", 1, new { reset_ms = 100 });
            Assert.Equal("CUSA12A345", c.GetAccount().AccountCode);
            Assert.NotEmpty(levels);
            Assert.All(levels, l => Assert.True(l <= MimecastLogLevel.Warn));
        }
    }

    public class OAuthTests : EmulatorTests
    {
        public OAuthTests(EmulatorFixture f) : base(f) { }

        [Fact]
        public void OAuthClientGetsAccountWithOneToken()
        {
            var before = Emu.Tokens();
            using var c = MimecastClient.ForOAuth(Emulator.ClientId, Emulator.ClientSecret, Emu.BaseUrl);
            AccountTests.AssertEmulatorAccount(c.GetAccount());
            c.Request("/api/x");
            Assert.Equal(before + 1, Emu.Tokens());
        }

        [Fact]
        public void ExpiredTokenIsRefreshedOnce()
        {
            var before = Emu.Tokens();
            using var c = MimecastClient.ForOAuth(Emulator.ClientId, Emulator.ClientSecret, Emu.BaseUrl);
            c.GetAccount();
            Emu.Fault("token_expired");
            Assert.Equal("CUSA12A345", c.GetAccount().AccountCode);
            Assert.Equal(before + 2, Emu.Tokens());
        }

        [Fact]
        public void BadClientSecretIsAuthenticationError()
        {
            using var c = MimecastClient.ForOAuth(Emulator.ClientId, "wrong-secret", Emu.BaseUrl);
            var e = Assert.Throws<MimecastAuthenticationException>(() => c.GetAccount());
            Assert.Equal(401, e.HttpStatus);
            Assert.DoesNotContain("wrong-secret", e.Message);
        }

        [Fact]
        public void SignIsUnsupportedOnOAuthClient()
        {
            using var c = MimecastClient.ForOAuth(Emulator.ClientId, Emulator.ClientSecret, Emu.BaseUrl);
            var e = Assert.ThrowsAny<MimecastException>(() => c.Sign("/api/account/get-account"));
            Assert.Equal(MimecastStatus.Unsupported, e.Status);
        }

        [Fact]
        public void ArgumentChecks()
        {
            Assert.Equal("clientId", Assert.Throws<ArgumentException>(() => MimecastClient.ForOAuth("", "s")).ParamName);
            Assert.Equal("clientSecret", Assert.Throws<ArgumentNullException>(() => MimecastClient.ForOAuth("id", null!)).ParamName);
            Assert.Equal("baseUrl", Assert.Throws<ArgumentException>(() => MimecastClient.ForOAuth("id", "s", "")).ParamName);
            using var global = MimecastClient.ForOAuth("id", "s"); // default host, nothing sent
            using var uk = MimecastClient.ForOAuth("id", "s", "uk");
        }
    }

    /// <summary>
    /// FromEnvironment and FromPostmanEnvironment. On Linux, Environment.SetEnvironmentVariable does NOT reach native
    /// getenv (verified by <see cref="ManagedSetEnvironmentVariableIsInvisibleToNativeGetenv"/>); FromEnvironment reads
    /// .NET's view and hands it to the library, so both variables inherited from the parent process (set here with libc
    /// setenv as well) and variables set only through .NET must work.
    /// </summary>
    public class CredentialSourceTests : EmulatorTests, IDisposable
    {
        private static readonly string[] Vars =
        {
            "MIMECAST_BASE_URL", "MIMECAST_APP_ID", "MIMECAST_APP_KEY", "MIMECAST_ACCESS_KEY", "MIMECAST_SECRET_KEY",
            "MIMECAST_CLIENT_ID", "MIMECAST_CLIENT_SECRET",
        };

        [DllImport("libc.so.6", EntryPoint = "setenv")] private static extern int setenv(string name, string value, int overwrite);
        [DllImport("libc.so.6", EntryPoint = "unsetenv")] private static extern int unsetenv(string name);
        [DllImport("libc.so.6", EntryPoint = "getenv")] private static extern IntPtr getenv(string name);

        private readonly List<string> _files = new List<string>();

        public CredentialSourceTests(EmulatorFixture f) : base(f) { Clear(); }

        public void Dispose()
        {
            Clear();
            foreach (var f in _files) File.Delete(f);
        }

        private static void Clear()
        {
            foreach (var v in Vars) { Environment.SetEnvironmentVariable(v, null); unsetenv(v); }
            Environment.SetEnvironmentVariable("MIMECAST_TEST_PROBE", null);
        }

        private static void SetBoth(string name, string value)
        {
            Environment.SetEnvironmentVariable(name, value);
            Assert.Equal(0, setenv(name, value, 1));
        }

        private void Set10(Action<string, string> set, string? skip = null)
        {
            var values = new Dictionary<string, string>
            {
                ["MIMECAST_BASE_URL"] = Emu.BaseUrl, ["MIMECAST_APP_ID"] = Emulator.AppId, ["MIMECAST_APP_KEY"] = Emulator.AppKey,
                ["MIMECAST_ACCESS_KEY"] = Emulator.AccessKey, ["MIMECAST_SECRET_KEY"] = Emulator.SecretKey,
            };
            foreach (var kv in values) if (kv.Key != skip) set(kv.Key, kv.Value);
        }

        [Fact]
        public void ManagedSetEnvironmentVariableIsInvisibleToNativeGetenv()
        {
            Environment.SetEnvironmentVariable("MIMECAST_TEST_PROBE", "managed-only");
            Assert.Equal("managed-only", Environment.GetEnvironmentVariable("MIMECAST_TEST_PROBE"));
            Assert.Equal(IntPtr.Zero, getenv("MIMECAST_TEST_PROBE"));
        }

        [Fact]
        public void FromEnvironmentNativePath()
        {
            Set10(SetBoth);
            using var c = MimecastClient.FromEnvironment();
            AccountTests.AssertEmulatorAccount(c.GetAccount());
        }

        [Fact]
        public void FromEnvironmentNativePathNamesMissingVariable()
        {
            Set10(SetBoth, skip: "MIMECAST_APP_KEY");
            var e = Assert.ThrowsAny<MimecastException>(() => MimecastClient.FromEnvironment());
            Assert.Equal(MimecastStatus.InvalidArgument, e.Status);
            Assert.Contains("MIMECAST_APP_KEY", e.Message);
        }

        [Fact]
        public void FromEnvironmentSeesVariablesSetInProcessThroughDotNet()
        {
            Set10((k, v) => Environment.SetEnvironmentVariable(k, v)); // what PowerShell's $env:X = ... does
            Assert.Equal(IntPtr.Zero, getenv("MIMECAST_APP_ID"));
            using var c = MimecastClient.FromEnvironment();
            AccountTests.AssertEmulatorAccount(c.GetAccount());
        }

        [Fact]
        public void FromEnvironmentManagedPathNamesMissingVariable()
        {
            Set10((k, v) => Environment.SetEnvironmentVariable(k, v), skip: "MIMECAST_SECRET_KEY");
            var e = Assert.ThrowsAny<MimecastException>(() => MimecastClient.FromEnvironment());
            Assert.Equal(MimecastStatus.InvalidArgument, e.Status);
            Assert.Contains("MIMECAST_SECRET_KEY", e.Message);
        }

        [Fact]
        public void FromEnvironmentOAuthWins()
        {
            Set10(SetBoth);
            SetBoth("MIMECAST_CLIENT_ID", Emulator.ClientId);
            SetBoth("MIMECAST_CLIENT_SECRET", Emulator.ClientSecret);
            var before = Emu.Tokens();
            using var c = MimecastClient.FromEnvironment();
            c.GetAccount();
            Assert.Equal(before + 1, Emu.Tokens());
        }

        [Fact]
        public void FromEnvironmentOAuthManagedPath()
        {
            Environment.SetEnvironmentVariable("MIMECAST_BASE_URL", Emu.BaseUrl);
            Environment.SetEnvironmentVariable("MIMECAST_CLIENT_ID", Emulator.ClientId);
            Environment.SetEnvironmentVariable("MIMECAST_CLIENT_SECRET", Emulator.ClientSecret);
            var before = Emu.Tokens();
            using var c = MimecastClient.FromEnvironment();
            c.GetAccount();
            Assert.Equal(before + 1, Emu.Tokens());
        }

        private string WritePostman(params (string key, string value, bool enabled)[] values)
        {
            var path = Path.Combine(Path.GetTempPath(), "mimecast-postman-" + Guid.NewGuid().ToString("N") + ".json");
            _files.Add(path);
            var doc = new
            {
                id = Guid.NewGuid().ToString(),
                name = "Mimecast API 1.0",
                values = values.Select(v => new { key = v.key, value = v.value, type = "default", enabled = v.enabled }).ToArray(),
                _postman_variable_scope = "environment",
            };
            File.WriteAllText(path, JsonSerializer.Serialize(doc));
            return path;
        }

        [Fact]
        public void FromPostmanEnvironmentApi1()
        {
            var path = WritePostman(("baseUrl", Emu.BaseUrl, true), ("ApplicationID", Emulator.AppId, true),
                ("ApplicationKey", Emulator.AppKey, true), ("AccessKey", Emulator.AccessKey, true),
                ("SecretKey", Emulator.SecretKey, true), ("SecretKey ", "disabled-wrong", false));
            using var c = MimecastClient.FromPostmanEnvironment(path);
            AccountTests.AssertEmulatorAccount(c.GetAccount());
        }

        [Fact]
        public void FromPostmanEnvironmentOAuth()
        {
            var path = WritePostman(("base_url", Emu.BaseUrl, true), ("client_id", Emulator.ClientId, true), ("client_secret", Emulator.ClientSecret, true));
            var before = Emu.Tokens();
            using var c = MimecastClient.FromPostmanEnvironment(path);
            c.GetAccount();
            Assert.Equal(before + 1, Emu.Tokens());
        }

        [Fact]
        public void FromPostmanEnvironmentErrors()
        {
            var io = Assert.Throws<MimecastIOException>(() => MimecastClient.FromPostmanEnvironment("/nonexistent/env.json"));
            Assert.Equal(MimecastStatus.IO, io.Status);
            var missing = WritePostman(("baseUrl", Emu.BaseUrl, true), ("ApplicationID", Emulator.AppId, true));
            var e = Assert.ThrowsAny<MimecastException>(() => MimecastClient.FromPostmanEnvironment(missing));
            Assert.Equal(MimecastStatus.InvalidArgument, e.Status);
            Assert.Equal("path", Assert.Throws<ArgumentException>(() => MimecastClient.FromPostmanEnvironment("")).ParamName);
        }
    }

    public class NativeLoaderTests
    {
        [Fact]
        public void LoadedFromNextToTheTestAssembly()
        {
            var path = MimecastClient.NativeLibraryPath;
            Assert.Equal(Path.Combine(AppContext.BaseDirectory, "libmimecast.so"), path);
        }

        [Fact]
        public void CandidateOrder()
        {
            var list = NativeLibraryLoader.CandidatePaths("/opt/x/libmimecast.so", "/app/lib/netstandard2.0");
            Assert.Equal("/opt/x/libmimecast.so", list[0]);
            Assert.Equal("/app/lib/netstandard2.0/libmimecast.so", list[1]);
            Assert.Contains("/app/lib/netstandard2.0/runtimes/linux-x64/native/libmimecast.so", list);
            Assert.Contains("/app/runtimes/linux-x64/native/libmimecast.so", list);
            Assert.Equal(list.Count - 1, NativeLibraryLoader.CandidatePaths(null, "/app/lib/netstandard2.0").Count);
        }

        [Fact]
        public void NotFoundMessageListsWhereItLooked()
        {
            var e = NativeLibraryLoader.NotFound(new[] { "/a/libmimecast.so (no such file)", "/b/runtimes/linux-x64/native/libmimecast.so (no such file)" }, null);
            Assert.Contains("/a/libmimecast.so", e.Message);
            Assert.Contains("/b/runtimes/linux-x64/native/libmimecast.so", e.Message);
            Assert.Contains("MIMECAST_LIBRARY", e.Message);
        }
    }
}
