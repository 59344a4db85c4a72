using System;
using System.Collections.Generic;
using System.Linq;
using Mimecast.Native;
using Xunit;

namespace Mimecast.Tests
{
    public class ErrorTests : EmulatorTests
    {
        public ErrorTests(EmulatorFixture f) : base(f) { }

        private MimecastClient NoRetry(TimeSpan? timeout = null) =>
            Emu.Client(new MimecastClientOptions { MaxRetries = 0, Timeout = timeout });

        private static void NoSecrets(Exception e)
        {
            Assert.DoesNotContain(Emulator.SecretKey, e.Message);
            Assert.DoesNotContain(Emulator.AccessKey, e.Message);
            Assert.DoesNotContain(Emulator.AppKey, e.Message);
        }

        /// <summary>The names of tests/shared/faults.json's cases.</summary>
        public static IEnumerable<object[]> FaultCases()
        {
            foreach (var c in Repo.Shared("faults.json").GetProperty("cases").EnumerateArray())
                yield return new object[] { c.GetProperty("name").GetString()! };
        }

        [Fact]
        public void FaultTableIsNotEmpty() => Assert.True(FaultCases().Count() >= 15);

        /// <summary>
        /// tests/shared/faults.json: fault -> status, as in every suite; the exception type is the one
        /// bindings/errors.json assigns to the status.
        /// </summary>
        [Theory]
        [MemberData(nameof(FaultCases))]
        public void FaultTable(string name)
        {
            var c = Repo.Shared("faults.json").GetProperty("cases").EnumerateArray().Single(x => x.GetProperty("name").GetString() == name);
            var options = new MimecastClientOptions { MaxRetries = 0, Timeout = TimeSpan.FromSeconds(10) };
            if (c.TryGetProperty("options", out var o))
            {
                if (o.TryGetProperty("timeout_ms", out var t)) options.Timeout = TimeSpan.FromMilliseconds(t.GetInt32());
                if (o.TryGetProperty("max_response_bytes", out var m)) options.MaxResponseBytes = m.GetInt64();
            }
            using var client = Emu.Client(options);
            Emu.Fault(c.GetProperty("fault"));
            Action call = c.GetProperty("call").GetString() switch
            {
                "account" => () => client.GetAccount(),
                "request" => () => client.Request("/api/some/endpoint", "{\"data\":[]}"),
                var other => throw new InvalidOperationException("unknown call " + other),
            };
            var status = c.GetProperty("status").GetString()!;
            var e = Assert.ThrowsAny<MimecastException>(call);
            Assert.Equal(Repo.ExceptionFor(status), e.GetType());
            Assert.Equal(status, Utf8.PtrToString(NativeMethods.mc_status_name((uint)e.Status)));
            if (c.TryGetProperty("http_status", out var http)) Assert.Equal(http.GetInt32(), e.HttpStatus);
            if (c.TryGetProperty("code", out var code)) Assert.Equal(code.GetString(), e.ErrorCode);
            if (c.TryGetProperty("api_message", out var api)) Assert.Equal(api.GetString(), e.ApiMessage);
            if (c.TryGetProperty("retry_after_ms", out var retry))
                Assert.Equal(TimeSpan.FromMilliseconds(retry.GetInt32()), Assert.IsType<MimecastRateLimitedException>(e).RetryAfter);
            Assert.False(string.IsNullOrEmpty(e.Message));
            NoSecrets(e);
            call(); // the client works again
        }

        [Fact]
        public void ClientWorksAgainAfterAFault()
        {
            using var c = NoRetry();
            Emu.Fault("server_error");
            Assert.ThrowsAny<MimecastException>(() => c.GetAccount());
            Assert.Equal("CUSA12A345", c.GetAccount().AccountCode);
        }
    }

    public sealed class TlsEmulatorFixture : IDisposable
    {
        public Emulator Emulator { get; } = new Emulator("--tls");
        public void Dispose() => Emulator.Dispose();
    }

    public class TlsTests : IClassFixture<TlsEmulatorFixture>
    {
        private readonly Emulator _emu;
        public TlsTests(TlsEmulatorFixture f) { _emu = f.Emulator; }

        [Fact]
        public void UntrustedCertificateIsTlsError()
        {
            Assert.StartsWith("https://", _emu.BaseUrl);
            using var c = _emu.Client(new MimecastClientOptions { MaxRetries = 0 });
            var e = Assert.Throws<MimecastTlsException>(() => c.GetAccount());
            Assert.Equal(MimecastStatus.Tls, e.Status);
        }

        [Fact]
        public void TrustedWithCaBundle()
        {
            using var c = _emu.Client(new MimecastClientOptions { CaBundlePath = Repo.PathOf("tests", "tls", "ca.pem") });
            AccountTests.AssertEmulatorAccount(c.GetAccount());
        }
    }
}
