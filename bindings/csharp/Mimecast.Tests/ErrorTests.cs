using System;
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

        [Fact]
        public void Unauthorized()
        {
            using var c = NoRetry();
            Emu.Fault("unauthorized");
            var e = Assert.Throws<MimecastAuthenticationException>(() => c.GetAccount());
            Assert.Equal(MimecastStatus.Unauthorized, e.Status);
            Assert.Equal(401, e.HttpStatus);
            Assert.Equal("err_xdk_invalid_signature", e.ErrorCode);
            Assert.Equal("0004 Invalid Signature", e.ApiMessage);
            NoSecrets(e);
        }

        [Fact]
        public void WrongKeysAreUnauthorized()
        {
            using var c = new MimecastClient(Emu.BaseUrl, Emulator.AppId, "wrong-app-key", Emulator.AccessKey, Emulator.SecretKey);
            var e = Assert.Throws<MimecastAuthenticationException>(() => c.GetAccount());
            Assert.Equal(401, e.HttpStatus);
            Assert.Equal("err_xdk_invalid_signature", e.ErrorCode);
            NoSecrets(e);
        }

        [Fact]
        public void Forbidden()
        {
            using var c = NoRetry();
            Emu.Fault("forbidden");
            var e = Assert.Throws<MimecastAuthenticationException>(() => c.GetAccount());
            Assert.Equal(MimecastStatus.Unauthorized, e.Status);
            Assert.Equal(403, e.HttpStatus);
            Assert.Equal("err_xdk_operation_forbidden", e.ErrorCode);
        }

        [Fact]
        public void BindingExpired()
        {
            using var c = NoRetry();
            Emu.Fault("binding_expired");
            var e = Assert.Throws<MimecastBindingExpiredException>(() => c.Request("/api/x"));
            Assert.Equal(MimecastStatus.BindingExpired, e.Status);
            Assert.Equal(418, e.HttpStatus);
            Assert.Equal("err_xdk_binding_expired", e.ErrorCode);
            Assert.IsAssignableFrom<MimecastAuthenticationException>(e);
        }

        [Fact]
        public void RateLimitedCarriesRetryAfterFromResetHeader()
        {
            using var c = NoRetry();
            Emu.Fault("rate_limited", 1, new { reset_ms = 1234 });
            var e = Assert.Throws<MimecastRateLimitedException>(() => c.GetAccount());
            Assert.Equal(MimecastStatus.RateLimited, e.Status);
            Assert.Equal(429, e.HttpStatus);
            Assert.Equal(TimeSpan.FromMilliseconds(1234), e.RetryAfter);
        }

        [Fact]
        public void ApiFailUnderHttp200()
        {
            using var c = NoRetry();
            Emu.Fault("api_fail", 1, new { code = "err_validation_blank", message = "Value cannot be blank" });
            var e = Assert.Throws<MimecastApiException>(() => c.Request("/api/directory/find-groups"));
            Assert.Equal(MimecastStatus.ApiFailure, e.Status);
            Assert.Equal(200, e.HttpStatus);
            Assert.Equal("err_validation_blank", e.ErrorCode);
            Assert.Equal("Value cannot be blank", e.ApiMessage);
        }

        [Fact]
        public void Malformed()
        {
            using var c = NoRetry();
            Emu.Fault("malformed");
            var e = Assert.Throws<MimecastResponseException>(() => c.GetAccount());
            Assert.Equal(MimecastStatus.MalformedResponse, e.Status);
        }

        [Fact]
        public void ServerError()
        {
            using var c = NoRetry();
            Emu.Fault("server_error");
            var e = Assert.Throws<MimecastApiException>(() => c.GetAccount());
            Assert.Equal(MimecastStatus.HttpError, e.Status);
            Assert.Equal(500, e.HttpStatus);
        }

        [Fact]
        public void SlowServerWithShortTimeoutTimesOut()
        {
            using var c = NoRetry(TimeSpan.FromMilliseconds(700));
            Emu.Fault("slow", 1, new { delay_s = 3 });
            var sw = System.Diagnostics.Stopwatch.StartNew();
            var e = Assert.Throws<MimecastTimeoutException>(() => c.GetAccount());
            Assert.Equal(MimecastStatus.Timeout, e.Status);
            Assert.True(sw.Elapsed < TimeSpan.FromSeconds(2.5), "took " + sw.Elapsed);
        }

        [Fact]
        public void DroppedConnectionIsTransportError()
        {
            using var c = NoRetry();
            Emu.Fault("drop");
            var e = Assert.Throws<MimecastTransportException>(() => c.GetAccount());
            Assert.Equal(MimecastStatus.Transport, e.Status);
            Assert.Equal(0, e.HttpStatus);
        }

        [Fact]
        public void HugeResponseOverLimitIsTooLarge()
        {
            using var c = Emu.Client(new MimecastClientOptions { MaxRetries = 0, MaxResponseBytes = 1024 * 1024 });
            Emu.Fault("huge", 1, new { size_bytes = 2 * 1024 * 1024 });
            var e = Assert.Throws<MimecastResponseException>(() => c.Request("/api/x"));
            Assert.Equal(MimecastStatus.ResponseTooLarge, e.Status);
        }

        [Fact]
        public void HtmlErrorPageIsNotTakenForSuccess()
        {
            using var c = NoRetry();
            Emu.Fault("html");
            var e = Assert.ThrowsAny<MimecastException>(() => c.GetAccount());
            Assert.Equal(502, e.HttpStatus);
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
