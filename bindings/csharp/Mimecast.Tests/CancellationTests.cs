using System;
using System.Diagnostics;
using System.Linq;
using System.Net.Http;
using System.Threading;
using System.Threading.Tasks;
using Xunit;
using Xunit.Abstractions;

namespace Mimecast.Tests
{
    /// <summary>
    /// Cancellation tokens stop native calls in flight (through the mc_cancel flag attached on the calling thread), against
    /// the emulator's "slow" fault, which holds the answer for seconds. Bounds are generous (a loaded machine must not fail
    /// them); the measured times are printed.
    /// </summary>
    public sealed class CancellationTests : EmulatorTests
    {
        /// <summary>How long the slow fault holds a request: far beyond any bound below.</summary>
        private const int SlowSeconds = 5;

        /// <summary>Generous bound for "returned promptly after the cancel" (the target is ~20 ms after the cancel).</summary>
        private static readonly TimeSpan Prompt = TimeSpan.FromMilliseconds(2000);

        private readonly ITestOutputHelper _output;

        public CancellationTests(EmulatorFixture fixture, ITestOutputHelper output) : base(fixture) { _output = output; }

        private void Slow(int times = 1) => Emu.Fault("slow", times, new { delay_s = SlowSeconds });

        /// <summary>Runs <paramref name="call"/> with a token cancelled after 200 ms; checks the exception and the time.</summary>
        private async Task<TimeSpan> CancelledAfter200Ms(string what, Func<CancellationToken, Task> call)
        {
            using var cts = new CancellationTokenSource();
            var watch = Stopwatch.StartNew();
            cts.CancelAfter(200);
            var e = await Assert.ThrowsAnyAsync<OperationCanceledException>(() => call(cts.Token));
            var elapsed = watch.Elapsed;
            _output.WriteLine($"{what}: cancelled after 200 ms, returned after {elapsed.TotalMilliseconds:F0} ms");
            Assert.Equal(cts.Token, e.CancellationToken);
            Assert.True(elapsed < Prompt, $"{what} returned after {elapsed.TotalMilliseconds:F0} ms (the fault holds it {SlowSeconds} s)");
            return elapsed;
        }

        [Fact]
        public async Task GetAccountAsyncIsCancelledInFlight()
        {
            using var client = Emu.Client();
            Slow();
            await CancelledAfter200Ms("GetAccountAsync", ct => client.GetAccountAsync(ct));
            // The native status is kept as the inner exception; the same client works afterwards.
            Assert.Equal("Exämple Corp Ltd", client.GetAccount().AccountName);
        }

        [Fact]
        public async Task TheNativeCancelIsTheInnerException()
        {
            using var client = Emu.Client();
            Slow();
            using var cts = new CancellationTokenSource(200);
            var e = await Assert.ThrowsAnyAsync<OperationCanceledException>(() => client.RequestAsync("/api/x", null, cts.Token));
            var inner = Assert.IsType<MimecastCancelledException>(e.InnerException);
            Assert.Equal(MimecastStatus.Cancelled, inner.Status);
        }

        [Fact]
        public async Task EveryAsyncMethodIsCancelledInFlight()
        {
            using var client = Emu.Client();
            Slow();
            await CancelledAfter200Ms("RequestAsync", ct => client.RequestAsync("/api/x", null, ct));
            Slow();
            await CancelledAfter200Ms("RequestPageAsync", ct => client.RequestPageAsync("/api/audit/get-audit-events", null, 2, null, ct));
            Slow();
            await CancelledAfter200Ms("SendAsync", ct => client.SendAsync(new MimecastRequest(HttpMethod.Post, "/api/x"), ct));
            Slow();
            await CancelledAfter200Ms("PaginateAsync", async ct => { await foreach (var _ in client.PaginateAsync("/api/audit/get-audit-events", null, 2, ct)) { } });
            Slow();
            await CancelledAfter200Ms("ItemsAsync", async ct => { await foreach (var _ in client.ItemsAsync("/api/audit/get-audit-events", null, 2, null, ct)) { } });
        }

        [Fact]
        public async Task BlockingMethodsAreCancelledInFlightOnTheCallingThread()
        {
            using var client = Emu.Client();
            // Each blocking call runs on a thread of its own, as a PowerShell pipeline or a worker would.
            Func<CancellationToken, Task> On(Action<CancellationToken> call) =>
                ct => Task.Factory.StartNew(() => call(ct), CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
            Slow();
            await CancelledAfter200Ms("GetAccount", On(ct => client.GetAccount(ct)));
            Slow();
            await CancelledAfter200Ms("Request", On(ct => client.Request("/api/x", null, ct)));
            Slow();
            await CancelledAfter200Ms("RequestPage", On(ct => client.RequestPage("/api/audit/get-audit-events", null, 2, null, ct)));
            Slow();
            await CancelledAfter200Ms("Send", On(ct => client.Send(new MimecastRequest(HttpMethod.Post, "/api/x"), ct)));
            Slow();
            await CancelledAfter200Ms("Paginate", On(ct => client.Paginate("/api/audit/get-audit-events", null, 2, ct).ToList()));
            Slow();
            await CancelledAfter200Ms("Items", On(ct => client.Items("/api/audit/get-audit-events", null, 2, null, ct).ToList()));
            Slow();
            await CancelledAfter200Ms("Pages", On(ct => client.Pages(new MimecastRequest(HttpMethod.Post, "/api/audit/get-audit-events"), 2, ct).ToList()));
        }

        [Fact]
        public void AfterACancelledCallTheThreadIsFree()
        {
            using var client = Emu.Client();
            Slow();
            using var cts = new CancellationTokenSource(200);
            Assert.ThrowsAny<OperationCanceledException>(() => client.GetAccount(cts.Token));
            // Same thread, no token: the flag was detached, so this call is not cancelled.
            Assert.Equal("Exämple Corp Ltd", client.GetAccount().AccountName);
            // A token that never fires does not disturb a call either.
            using var idle = new CancellationTokenSource();
            Assert.Equal("Exämple Corp Ltd", client.GetAccount(idle.Token).AccountName);
        }

        [Fact]
        public async Task AnAlreadyCancelledTokenSendsNothing()
        {
            using var client = Emu.Client();
            using var cts = new CancellationTokenSource();
            cts.Cancel();
            var e = Assert.ThrowsAny<OperationCanceledException>(() => client.GetAccount(cts.Token));
            Assert.Equal(cts.Token, e.CancellationToken);
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => client.GetAccountAsync(cts.Token));
            Assert.Equal(0, Emu.Stats().GetProperty("requests").GetInt32());
        }

        [Fact]
        public async Task ACancelledOAuthFetchDoesNotPoisonTheTokenForOthers()
        {
            using var client = Emu.OAuthClient();
            var tokensBefore = Emu.Tokens();
            Slow(); // the first token request is held
            using var cts = new CancellationTokenSource();
            var first = client.GetAccountAsync(cts.Token);
            await Task.Delay(100);
            // Another caller arrives while the first fetch is held, and waits for it.
            var watch = Stopwatch.StartNew();
            var other = client.GetAccountAsync();
            cts.CancelAfter(100);
            var e = await Assert.ThrowsAnyAsync<OperationCanceledException>(() => first);
            Assert.Equal(cts.Token, e.CancellationToken);
            // The waiting caller fetches a token itself, without waiting for the held one.
            Assert.Equal("Exämple Corp Ltd", (await other).AccountName);
            _output.WriteLine($"the other caller got its answer after {watch.Elapsed.TotalMilliseconds:F0} ms");
            Assert.True(watch.Elapsed < TimeSpan.FromSeconds(SlowSeconds - 1), $"the other caller waited {watch.Elapsed}");
            Assert.Equal("Exämple Corp Ltd", client.GetAccount().AccountName);
            Assert.True(Emu.Tokens() > tokensBefore);
        }

        [Fact]
        public async Task DiscoveryIsCancelledInFlight()
        {
            // A server that accepts the connection (the kernel's backlog) and never answers: the call waits for the answer.
            var silent = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
            silent.Start();
            try
            {
                var port = ((System.Net.IPEndPoint)silent.LocalEndpoint).Port;
                var options = new MimecastClientOptions { DiscoveryUrl = "http://127.0.0.1:" + port };
                await CancelledAfter200Ms("DiscoverBaseUrlAsync", ct => MimecastClient.DiscoverBaseUrlAsync("admin@example.com", null, options, ct));
            }
            finally
            {
                silent.Stop();
            }
        }
    }
}
