using System;
using System.Linq;
using System.Reflection;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using Xunit;

namespace Mimecast.Tests
{
    public class AccountTests : EmulatorTests
    {
        public AccountTests(EmulatorFixture f) : base(f) { }

        internal static void AssertEmulatorAccount(Account a)
        {
            Assert.Equal("CUSA12A345", a.AccountCode);
            Assert.Equal("Exämple Corp Ltd", a.AccountName);
            Assert.Equal("it-admin@example.com", a.AdminEmail);
            Assert.True(a.Archive);
            Assert.False(a.AutomatedSegmentPurge);
            Assert.Equal("usterm0412", a.DatabaseCode);
            Assert.Equal("cusa12a345.mimecast-customer.com", a.Domain);
            Assert.True(a.Gateway);
            Assert.Equal("office_365", a.MailPlatform);
            Assert.Equal(2555, a.MaxRetention);
            Assert.True(a.MaxRetentionConfirmed);
            Assert.Equal("01-0412-12345", a.MimecastId);
            Assert.Equal(7, a.Packages.Count);
            Assert.Equal("Mimecast Secure Email Gateway [1072]", a.Packages[0]);
            Assert.Equal("Awareness Training [1083]", a.Packages[6]);
            Assert.Equal("Ventilator-Harbour-42", a.Passphrase);
            Assert.False(a.PolicyInheritance);
            Assert.Equal("us", a.Region);
            Assert.Equal("SC7Q9", a.SupportCode);
            Assert.Equal("full", a.Type);
            Assert.Equal(250, a.UserCount);
            using var doc = JsonDocument.Parse(a.Json);
            Assert.Equal("Exämple Corp Ltd", doc.RootElement.GetProperty("accountName").GetString());
            // RawJson is the whole body in every binding; Json its data[0].
            using var body = JsonDocument.Parse(a.RawJson);
            Assert.Equal(doc.RootElement.GetRawText(), body.RootElement.GetProperty("data")[0].GetRawText());
#pragma warning disable CS0618 // the obsolete alias stays equal to RawJson
            Assert.Equal(a.RawJson, a.ResponseJson);
#pragma warning restore CS0618
            Assert.DoesNotContain("Ventilator", a.ToString());
        }

        [Fact]
        public void GetAccountReturnsEveryField()
        {
            using var client = Emu.Client();
            AssertEmulatorAccount(client.GetAccount());
        }

        [Fact]
        public async Task GetAccountAsyncReturnsEveryField()
        {
            using var client = Emu.Client();
            AssertEmulatorAccount(await client.GetAccountAsync());
        }

        [Fact]
        public async Task GetAccountAsyncObservesCancellationBeforeStart()
        {
            using var client = Emu.Client();
            using var cts = new CancellationTokenSource();
            cts.Cancel();
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => client.GetAccountAsync(cts.Token));
            Assert.Equal(0, Emu.Stats().GetProperty("requests").GetInt32());
        }

        [Fact]
        public async Task GetAccountAsyncDiscardsResultWhenCancelledDuringCall()
        {
            using var client = Emu.Client();
            Emu.Fault("slow", 1, new { delay_s = 1 });
            using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(200));
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => client.GetAccountAsync(cts.Token));
        }

        [Fact]
        public void RequestOnGenericPathEchoesData()
        {
            using var client = Emu.Client();
            var r = client.Request("/api/directory/find-groups", "{\"data\":[{\"query\":\"Grüße\"}]}");
            var item = r.Data[0];
            Assert.Equal("/api/directory/find-groups", item.GetProperty("path").GetString());
            Assert.Contains("Grüße", item.GetProperty("echo").GetRawText() + r.RawJson);
            Assert.Equal(JsonValueKind.Object, r.Meta.ValueKind);
            Assert.Equal(0, r.RetryCount);
        }

        [Fact]
        public void RequestWithoutBodySendsEmptyData()
        {
            using var client = Emu.Client();
            var r = client.Request("/api/account/get-account");
            Assert.Equal("CUSA12A345", r.Data[0].GetProperty("accountCode").GetString());
            // What PowerShell passes for $null: the same as no body.
            var empty = client.Request("/api/directory/find-groups", "");
            Assert.Equal(0, empty.Data[0].GetProperty("echo").GetArrayLength());
        }

        [Fact]
        public async Task RequestAsyncWorks()
        {
            using var client = Emu.Client();
            var r = await client.RequestAsync("/api/something/else");
            Assert.Equal("/api/something/else", r.Data[0].GetProperty("path").GetString());
        }

        [Fact]
        public void NativeVersionEqualsAssemblyVersion()
        {
            var v = typeof(MimecastClient).Assembly.GetName().Version!;
            Assert.Equal($"{v.Major}.{v.Minor}.{v.Build}", MimecastClient.NativeVersion);
            var info = typeof(MimecastClient).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()!.InformationalVersion;
            Assert.StartsWith(MimecastClient.NativeVersion, info);
        }

        [Fact]
        public async Task FiftyParallelTasksShareOneClient()
        {
            using var client = Emu.Client();
            var tasks = Enumerable.Range(0, 50).Select(i => Task.Run(() =>
                i % 2 == 0 ? client.GetAccount().AccountName : client.Request("/api/p/" + i).Data[0].GetProperty("path").GetString())).ToArray();
            var results = await Task.WhenAll(tasks);
            for (int i = 0; i < 50; i++)
                Assert.Equal(i % 2 == 0 ? "Exämple Corp Ltd" : "/api/p/" + i, results[i]);
            Assert.Equal(50, Emu.Stats().GetProperty("requests").GetInt32());
        }

        [Fact]
        public async Task ParallelFailuresReportTheirOwnErrors()
        {
            // Thread-local last error: each failing call must see its own details.
            using var good = Emu.Client();
            using var bad = new MimecastClient(Emu.BaseUrl, Emulator.AppId, Emulator.AppKey, Emulator.AccessKey, Convert.ToBase64String(new byte[64]));
            var tasks = Enumerable.Range(0, 20).Select(i => Task.Run(() =>
            {
                if (i % 2 == 0) return good.GetAccount().AccountCode!;
                var e = Assert.Throws<MimecastAuthenticationException>(() => bad.GetAccount());
                return e.ErrorCode!;
            })).ToArray();
            var results = await Task.WhenAll(tasks);
            for (int i = 0; i < 20; i++)
                Assert.Equal(i % 2 == 0 ? "CUSA12A345" : "err_xdk_invalid_signature", results[i]);
        }

        [Fact]
        public void DisposeSemantics()
        {
            var client = Emu.Client();
            Assert.False(client.IsDisposed);
            client.GetAccount();
            client.Dispose();
            client.Dispose(); // harmless
            Assert.True(client.IsDisposed);
            Assert.Throws<ObjectDisposedException>(() => client.GetAccount());
            Assert.Throws<ObjectDisposedException>(() => client.Request("/api/x"));
            Assert.Throws<ObjectDisposedException>(() => client.Sign("/api/x"));
            Assert.Throws<ObjectDisposedException>(() => client.Paginate("/api/audit/get-audit-events"));
            Assert.Throws<ObjectDisposedException>(() => client.RequestPage("/api/audit/get-audit-events"));
            var t = client.GetAccountAsync();
            Assert.True(t.IsFaulted && t.Exception!.InnerException is ObjectDisposedException);
        }

        [Fact]
        public async Task DisposeWhileCallsAreInFlightWaitsForThem()
        {
            var client = Emu.Client();
            Emu.Fault("slow", 1, new { delay_s = 1 });
            var inflight = Task.Run(() => client.GetAccount());
            await Task.Delay(300);
            client.Dispose();
            var account = await inflight; // the native client is freed only after this call returns
            Assert.Equal("CUSA12A345", account.AccountCode);
            Assert.Throws<ObjectDisposedException>(() => client.GetAccount());
        }
    }
}
