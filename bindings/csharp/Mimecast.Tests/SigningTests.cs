using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.Json;
using Xunit;

namespace Mimecast.Tests
{
    public class SigningTests
    {
        private static JsonElement Vectors() =>
            JsonDocument.Parse(File.ReadAllText(Repo.PathOf("tests", "vectors", "signing.json"))).RootElement.Clone();

        public static IEnumerable<object[]> ValidVectors() =>
            Vectors().GetProperty("vectors").EnumerateArray().Select(v => new object[] { v.GetProperty("name").GetString()! });

        public static IEnumerable<object[]> InvalidSecrets() =>
            Vectors().GetProperty("invalid").EnumerateArray().Select(v => new object[] { v.GetProperty("name").GetString()! });

        private static JsonElement Find(string section, string name) =>
            Vectors().GetProperty(section).EnumerateArray().Single(v => v.GetProperty("name").GetString() == name);

        [Fact]
        public void VectorsFileHasEnoughCases()
        {
            Assert.True(ValidVectors().Count() >= 10);
            Assert.True(InvalidSecrets().Count() >= 5);
        }

        [Theory]
        [MemberData(nameof(ValidVectors))]
        public void SignMatchesSharedVector(string name)
        {
            var v = Find("vectors", name);
            string S(string k) => v.GetProperty(k).GetString()!;
            using var client = new MimecastClient("eu", S("app_id"), S("app_key"), S("access_key"), S("secret_key"));
            var h = client.Sign(S("path"), S("date"), S("request_id"));
            Assert.Equal(S("authorization"), h.Authorization);
            Assert.Equal(S("date"), h.Date);
            Assert.Equal(S("request_id"), h.RequestId);
            Assert.Equal(S("app_id"), h.AppId);
        }

        [Theory]
        [MemberData(nameof(InvalidSecrets))]
        public void InvalidSecretIsRejectedBeforeSending(string name)
        {
            var v = Find("invalid", name);
            var secret = v.GetProperty("secret_key").GetString()!;
            var expected = v.GetProperty("error").GetString();
            Exception Create() => Record.Exception(() =>
                new MimecastClient("eu", Emulator.AppId, Emulator.AppKey, Emulator.AccessKey, secret).Dispose())!;
            var e = Create();
            Assert.NotNull(e);
            switch (expected)
            {
                case "invalid_credentials":
                    var ic = Assert.IsType<MimecastInvalidCredentialsException>(e);
                    Assert.Equal(MimecastStatus.InvalidCredentials, ic.Status);
                    Assert.DoesNotContain(secret, ic.Message);
                    break;
                case "invalid_argument":
                    var ae = Assert.IsAssignableFrom<ArgumentException>(e);
                    Assert.Equal("secretKey", ae.ParamName);
                    break;
                default:
                    throw new Xunit.Sdk.XunitException("unknown expected error " + expected);
            }
        }

        [Fact]
        public void SignWithoutDateAndIdUsesNowAndFreshUuid()
        {
            using var client = new MimecastClient("eu", Emulator.AppId, Emulator.AppKey, Emulator.AccessKey, Emulator.SecretKey);
            var a = client.Sign("/api/account/get-account");
            var b = client.Sign("/api/account/get-account");
            Assert.NotEqual(a.RequestId, b.RequestId);
            Assert.True(Guid.TryParse(a.RequestId, out _));
            Assert.EndsWith(" UTC", a.Date);
            Assert.StartsWith("MC " + Emulator.AccessKey + ":", a.Authorization);
        }

        [Fact]
        public void SignedHeadersDictionaryAndRedactedToString()
        {
            using var client = new MimecastClient("eu", Emulator.AppId, Emulator.AppKey, Emulator.AccessKey, Emulator.SecretKey);
            var h = client.Sign("/api/account/get-account", "Tue, 24 Nov 2015 12:50:11 UTC", "req-1");
            var d = h.ToDictionary();
            Assert.Equal(h.Authorization, d["Authorization"]);
            Assert.Equal("Tue, 24 Nov 2015 12:50:11 UTC", d["x-mc-date"]);
            Assert.Equal("req-1", d["x-mc-req-id"]);
            Assert.Equal(Emulator.AppId, d["x-mc-app-id"]);
            Assert.Equal("application/json", d["Content-Type"]);
            Assert.Equal("application/json", d["Accept"]);
            var s = h.ToString();
            Assert.DoesNotContain(Emulator.AccessKey, s);
            Assert.DoesNotContain(h.Authorization, s);
            Assert.Contains("<redacted>", s);
        }

        [Fact]
        public void ManagedArgumentChecksNameTheParameter()
        {
            Assert.Equal("baseUrlOrRegion", Assert.Throws<ArgumentNullException>(() => new MimecastClient(null!, "a", "b", "c", Emulator.SecretKey)).ParamName);
            Assert.Equal("appId", Assert.Throws<ArgumentException>(() => new MimecastClient("eu", "", "b", "c", Emulator.SecretKey)).ParamName);
            Assert.Equal("appId", Assert.Throws<ArgumentException>(() => new MimecastClient("eu", "   ", "b", "c", Emulator.SecretKey)).ParamName);
            Assert.Equal("secretKey", Assert.Throws<ArgumentException>(() => new MimecastClient("eu", "a", "b", "c", " ")).ParamName);
            Assert.Equal("appKey", Assert.Throws<ArgumentException>(() => new MimecastClient("eu", "a", "x\0y", "c", Emulator.SecretKey)).ParamName);
            using var client = new MimecastClient("eu", Emulator.AppId, Emulator.AppKey, Emulator.AccessKey, Emulator.SecretKey);
            Assert.Equal("path", Assert.Throws<ArgumentException>(() => client.Sign("")).ParamName);
            Assert.Equal("date", Assert.Throws<ArgumentException>(() => client.Sign("/api/x", "")).ParamName);
        }

        [Fact]
        public void NativeInvalidArgumentIsMimecastException()
        {
            using var client = new MimecastClient("eu", Emulator.AppId, Emulator.AppKey, Emulator.AccessKey, Emulator.SecretKey);
            var e = Assert.Throws<MimecastInvalidArgumentException>(() => client.Sign("https://eu-api.mimecast.com/api/account/get-account"));
            Assert.Equal(MimecastStatus.InvalidArgument, e.Status);
            Assert.False(string.IsNullOrEmpty(e.Message));
        }

        [Fact]
        public void BadRegionAndInsecureUrlAreConfigurationErrors()
        {
            var e1 = Assert.Throws<MimecastInvalidUrlException>(() => new MimecastClient("atlantis", "a", "b", "c", Emulator.SecretKey));
            Assert.Equal(MimecastStatus.InvalidUrl, e1.Status);
            Assert.IsAssignableFrom<MimecastConfigurationException>(e1);
            var e2 = Assert.Throws<MimecastInsecureUrlException>(() => new MimecastClient("http://example.com", "a", "b", "c", Emulator.SecretKey));
            Assert.Equal(MimecastStatus.InsecureUrl, e2.Status);
            Assert.IsAssignableFrom<MimecastConfigurationException>(e2);
            // ... unless explicitly allowed
            using var ok = new MimecastClient("http://example.com", "a", "b", "c", Emulator.SecretKey, new MimecastClientOptions { AllowInsecureHttp = true });
        }

        [Fact]
        public void OptionValidationThrowsArgumentExceptions()
        {
            Assert.Equal("options", Assert.Throws<ArgumentOutOfRangeException>(() =>
                new MimecastClient("eu", "a", "b", "c", Emulator.SecretKey, new MimecastClientOptions { Timeout = TimeSpan.Zero })).ParamName);
            Assert.Throws<ArgumentOutOfRangeException>(() =>
                new MimecastClient("eu", "a", "b", "c", Emulator.SecretKey, new MimecastClientOptions { MaxResponseBytes = 0 }));
            Assert.Throws<ArgumentOutOfRangeException>(() =>
                new MimecastClient("eu", "a", "b", "c", Emulator.SecretKey, new MimecastClientOptions { MaxRetries = -1 }));
            var io = Assert.Throws<MimecastIOException>(() =>
                new MimecastClient("eu", "a", "b", "c", Emulator.SecretKey, new MimecastClientOptions { CaBundlePath = "/nonexistent/ca.pem" }));
            Assert.Equal(MimecastStatus.IO, io.Status);
        }
    }
}
