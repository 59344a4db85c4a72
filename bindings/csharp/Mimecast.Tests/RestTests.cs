using System;
using System.Collections.Generic;
using System.IO;
using System.IO.Compression;
using System.Linq;
using System.Net;
using System.Net.Http;
using System.Text;
using System.Text.Json;
using System.Threading.Tasks;
using Xunit;

namespace Mimecast.Tests
{
    /// <summary>Issue 14 against the emulator (which checks every signature and token itself): any request, file answers,
    /// response modes, protocol corrections, pulls over log endpoints and API 2.0 pages, region discovery.</summary>
    public class RestTests : EmulatorTests
    {
        private const string ClickLogs = "/api/ttp/url/get-logs";
        private const string SiemLogs = "/api/audit/get-siem-logs";
        private const string ThreatFeed = "/api/ttp/threat-intel/get-feed";
        private const string Stream = "/siem/v1/events/cg";
        private static readonly JsonElement Echo = Repo.Shared("rest-echo.json");

        public RestTests(EmulatorFixture f) : base(f) { }

        public static IEnumerable<object[]> EchoCases() =>
            from c in Echo.GetProperty("cases").EnumerateArray()
            from api in new[] { "1.0", "2.0" }
            select new object[] { c.GetProperty("name").GetString()!, api };

        public static IEnumerable<object[]> RefusedCases() =>
            Echo.GetProperty("refused").EnumerateArray().Select(c => new object[] { c.GetProperty("name").GetString()! });

        private static JsonElement Case(string table, string name) =>
            Echo.GetProperty(table).EnumerateArray().Single(c => c.GetProperty("name").GetString() == name);

        private static IEnumerable<KeyValuePair<string, string>> Pairs(JsonElement c, string key) =>
            c.TryGetProperty(key, out var list)
                ? list.EnumerateArray().Select(p => new KeyValuePair<string, string>(p[0].GetString()!, p[1].GetString()!)).ToList()
                : new List<KeyValuePair<string, string>>();

        /// <summary>The request a case of tests/shared/rest-echo.json describes.</summary>
        private static MimecastRequest Request(JsonElement c)
        {
            var path = c.TryGetProperty("path", out var p) ? p.GetString()! : Echo.GetProperty("path").GetString()!;
            var r = new MimecastRequest(c.GetProperty("method").GetString()!, path)
                .WithQuery(Pairs(c, "query"));
            foreach (var h in Pairs(c, "headers")) r = r.WithHeader(h.Key, h.Value);
            if (c.TryGetProperty("json", out var json)) r = r.WithJson(json.GetString()!);
            if (c.TryGetProperty("body_base64", out var b64))
                r = r.WithBody(Convert.FromBase64String(b64.GetString()!), c.GetProperty("content_type").GetString()!);
            return r;
        }

        [Theory]
        [MemberData(nameof(EchoCases))]
        public void EchoCaseArrivesAsSent(string name, string api)
        {
            var c = Case("cases", name);
            using var client = api == "1.0" ? Emu.Client() : Emu.OAuthClient();
            var r = client.Send(Request(c));
            Assert.Equal(HttpStatusCode.OK, r.StatusCode);
            var echo = r.GetJson();
            var expect = c.GetProperty("expect");
            foreach (var key in new[] { "method", "rawQuery", "bodyBase64" })
                Assert.Equal(expect.GetProperty(key).GetString(), echo.GetProperty(key).GetString());
            if (expect.TryGetProperty("query", out var query))
                Assert.True(JsonElementEquals(query, echo.GetProperty("query")), echo.GetProperty("query").GetRawText());
            foreach (var h in expect.GetProperty("headers").EnumerateObject())
                Assert.Equal(h.Value.GetString(), echo.GetProperty("headers").GetProperty(h.Name).GetString());
        }

        private static bool JsonElementEquals(JsonElement a, JsonElement b) =>
            JsonSerializer.Serialize(a) == JsonSerializer.Serialize(b);

        [Theory]
        [MemberData(nameof(RefusedCases))]
        public void RefusedCaseSendsNothing(string name)
        {
            using var client = Emu.Client();
            var e = Assert.Throws<MimecastInvalidArgumentException>(() => client.Send(Request(Case("refused", name))));
            Assert.Equal(MimecastStatus.InvalidArgument, e.Status);
            Assert.False(string.IsNullOrEmpty(e.Message));
            Assert.Equal(0, Emu.Stats().GetProperty("requests").GetInt32());
        }

        [Fact]
        public void RequestsAreImmutableAndTypedJsonIsSerialized()
        {
            var get = new MimecastRequest(HttpMethod.Get, "/api/v2/echo");
            var tagged = get.WithHeader("X-Request-Tag", "a");
            Assert.Empty(get.Headers);
            Assert.Single(tagged.Headers);
            using var client = Emu.Client();
            var r = client.Send(new MimecastRequest(HttpMethod.Post, "/api/v2/echo").WithJson(new { data = new[] { new { n = 1 } } }));
            var sent = Encoding.UTF8.GetString(Convert.FromBase64String(r.GetJson().GetProperty("bodyBase64").GetString()!));
            Assert.Equal("{\"data\":[{\"n\":1}]}", sent);
            Assert.Equal("POST", r.GetJson().GetProperty("method").GetString());
        }

        [Fact]
        public async Task ResponseGivesStatusHeadersBodyAndJson()
        {
            using var client = Emu.OAuthClient();
            var r = await client.SendAsync(new MimecastRequest("get", "/api/v2/echo").WithQuery("a", "b"));
            Assert.True(r.IsSuccessStatusCode);
            Assert.Equal(r.Headers["content-type"], r.Headers["CONTENT-TYPE"]);
            Assert.Equal("application/json", r.ContentType);
            Assert.Null(r.Headers["no-such-header"]);
            Assert.True(r.Headers.Contains("X-RateLimit-Remaining"));
            Assert.Equal(new[] { r.ContentType! }, r.Headers.GetValues("Content-Type"));
            Assert.Equal(r.Length, r.Body.Length);
            Assert.Equal("a=b", r.GetJson().GetProperty("rawQuery").GetString());
            Assert.Equal("GET", JsonDocument.Parse(r.Text).RootElement.GetProperty("method").GetString());
            Assert.DoesNotContain("rawQuery", r.ToString());
        }

        private static readonly string SiemBody = "{\"data\":[{\"type\":\"MTA\",\"fileFormat\":\"json\",\"compress\":true}]}";

        [Fact]
        public void AZipIsRefusedWhereJsonWasAsked()
        {
            using var client = Emu.Client();
            var e = Assert.Throws<MimecastMalformedResponseException>(() =>
                client.Send(new MimecastRequest(HttpMethod.Post, SiemLogs).WithJson(SiemBody)));
            Assert.Equal(200, e.HttpStatus);
        }

        [Fact]
        public void SiemZipFilesComeWithTheirTokenHeadersToTheLastToken()
        {
            using var client = Emu.Client();
            var request = new MimecastRequest(HttpMethod.Post, SiemLogs).WithJson(SiemBody).WithResponseMode(MimecastResponseMode.Any);
            var events = new List<string>();
            int files = 0;
            while (true)
            {
                var r = client.Send(request);
                var token = r.Headers["mc-siem-token"];
                if (token == null)
                {
                    Assert.True(r.GetJson().GetProperty("meta").GetProperty("isLastToken").GetBoolean());
                    break;
                }
                // Each answer is a zip named in Content-Disposition, holding one JSON file.
                var name = System.Text.RegularExpressions.Regex.Match(r.Headers["Content-Disposition"]!, "filename=\"(MTA_\\d+)\\.zip\"");
                Assert.True(name.Success, r.Headers["Content-Disposition"]);
                using (var zip = new ZipArchive(new MemoryStream(r.Body.ToArray())))
                {
                    Assert.Equal(name.Groups[1].Value + ".json", zip.Entries.Single().FullName);
                    using var reader = new StreamReader(zip.Entries[0].Open());
                    events.AddRange(JsonDocument.Parse(reader.ReadToEnd()).RootElement.GetProperty("data").EnumerateArray()
                        .Select(e => e.GetProperty("id").GetString()!));
                }
                files++;
                request = new MimecastRequest(HttpMethod.Post, SiemLogs)
                    .WithJson(new { data = new[] { new { type = "MTA", token, compress = true } } })
                    .WithResponseMode(MimecastResponseMode.Any);
            }
            Assert.True(files >= 2, files + " files");
            Assert.Equal(Emu.SiemEvents(), events); // every event once, in order
        }

        [Fact]
        public void ThreatFeedAsCsvAndStix()
        {
            using var client = Emu.Client();
            var csv = client.Send(new MimecastRequest(HttpMethod.Post, ThreatFeed).WithJson("{\"data\":[{\"fileType\":\"csv\"}]}")
                .WithResponseMode(MimecastResponseMode.Any));
            Assert.Equal("text/csv", csv.ContentType);
            Assert.StartsWith("type,value\r\n", csv.Text);
            Assert.NotNull(csv.Headers["x-mc-threat-feed-next-token"]);
            var stix = client.Send(new MimecastRequest(HttpMethod.Post, ThreatFeed).WithJson("{\"data\":[{}]}")
                .WithResponseMode(MimecastResponseMode.Any));
            Assert.Equal("application/stix+json", stix.ContentType);
            Assert.Equal("bundle", stix.GetJson().GetProperty("type").GetString());
        }

        [Fact]
        public void RawModeReturnsA404AndARetried429()
        {
            using var client = Emu.Client(new MimecastClientOptions { MaxRetries = 2 });
            var r = client.Send(new MimecastRequest(HttpMethod.Post, "/nowhere").WithResponseMode(MimecastResponseMode.Raw));
            Assert.Equal(HttpStatusCode.NotFound, r.StatusCode);
            Assert.False(r.IsSuccessStatusCode);
            Assert.Throws<MimecastHttpException>(() => client.Send(new MimecastRequest(HttpMethod.Post, "/nowhere")));
            Emu.Fault("rate_limited", 5, new { reset_ms = 10 });
            r = client.Send(new MimecastRequest(HttpMethod.Get, "/api/v2/echo").WithResponseMode(MimecastResponseMode.Raw));
            Assert.Equal((HttpStatusCode)429, r.StatusCode);
            Assert.Equal(2, r.RetryCount);
            Assert.Equal("0", r.Headers["X-RateLimit-Remaining"]);
        }

        [Fact]
        public void FailuresUnderHttp200AndApi2ErrorsMapToTheirExceptions()
        {
            using var client = Emu.OAuthClient(new MimecastClientOptions { MaxRetries = 0 });
            var echo = new MimecastRequest(HttpMethod.Get, "/api/v2/echo");
            client.Send(echo); // the token first
            Emu.Fault("meta_status", 1, new { status = 403 });
            Assert.Equal(403, Assert.Throws<MimecastAuthenticationException>(() => client.Send(echo)).HttpStatus);
            Emu.Fault("fail_top_level", 1, new { code = "err_x" });
            Assert.Equal("err_x", Assert.Throws<MimecastApiFailureException>(() => client.Send(echo)).ErrorCode);
            Emu.Fault("api2_error", 1, new { status = 400, code = "invalid_page_size", message = "bad size" });
            var e = Assert.Throws<MimecastHttpException>(() => client.Send(echo));
            Assert.Equal(("invalid_page_size", "bad size", 400), (e.ErrorCode, e.ApiMessage, e.HttpStatus));
            Emu.Fault("api2_error", 1, new { status = 429, code = "rate" });
            Assert.Throws<MimecastRateLimitedException>(() => client.Send(echo));
        }

        [Fact]
        public void ATopLevelTokenExpiredRefreshesTheToken()
        {
            using var client = Emu.OAuthClient();
            client.GetAccount();
            var before = Emu.Tokens();
            Emu.Fault("fail_top_level", 1, new { code = "token_expired" });
            Assert.Equal("CUSA12A345", client.GetAccount().AccountCode);
            Assert.Equal(1, Emu.Tokens() - before);
        }

        [Fact]
        public void RetryAfterAsAnHttpDateIsHonoured()
        {
            var at = DateTimeOffset.UtcNow.AddSeconds(30).ToString("r", System.Globalization.CultureInfo.InvariantCulture);
            Emu.Fault("rate_limited", 1, new { reset_ms = 10, retry_after = at });
            using var client = Emu.Client(new MimecastClientOptions { MaxRetries = 0 });
            var e = Assert.Throws<MimecastRateLimitedException>(() => client.GetAccount());
            Assert.InRange(e.RetryAfter!.Value.TotalMilliseconds, 25_000, 30_000);
        }

        [Fact]
        public void ClickLogsEntryByEntryAcrossPages()
        {
            using var client = Emu.Client();
            var ids = client.Items(ClickLogs, pageSize: 3).Select(i => i.GetProperty("id").GetString()).ToList();
            Assert.Equal(Enumerable.Range(1, 7).Select(i => "click-" + i), ids);
            Assert.Equal(3, Emu.Stats().GetProperty("requests").GetInt32());
            Assert.Equal(7, client.Items(new MimecastRequest(HttpMethod.Post, ClickLogs), 3).Count());
        }

        [Fact]
        public void AnItemsKeyUnwrapsAnyEndpoint()
        {
            Emu.RawBody("{\"meta\":{\"status\":200,\"pagination\":{\"pageSize\":2}},\"data\":[{\"rows\":[{\"n\":1},{\"n\":2}]},{\"rows\":[{\"n\":3}]}],\"fail\":[]}");
            using var client = Emu.Client();
            Assert.Equal(new[] { 1, 2, 3 }, client.Items("/api/custom/rows", itemsKey: "rows").Select(i => i.GetProperty("n").GetInt32()));
        }

        [Fact]
        public void AnEmptyPageWithATokenEndsThePull()
        {
            Emu.Fault("empty_page_with_next");
            using var client = Emu.Client();
            Assert.Empty(client.Items("/api/audit/get-audit-events"));
            Assert.Equal(1, Emu.Stats().GetProperty("requests").GetInt32());
        }

        private static MimecastRequest StreamRequest() => new MimecastRequest(HttpMethod.Get, Stream)
            .WithQuery("types", "receipt").WithQuery("dateRangeStartsAt", "2026-11-30T00:00:00.000Z");

        [Fact]
        public async Task Api2ItemsUntilCaughtUp()
        {
            using var client = Emu.OAuthClient();
            var expected = Emu.SiemEvents();
            Assert.True(expected.Length > 20);
            var ids = client.Items(StreamRequest(), 10).Select(i => i.GetProperty("id").GetString()!).ToList();
            Assert.Equal(expected, ids);
            var sent = Emu.Requests().EnumerateArray().Where(r => r.GetProperty("path").GetString() == Stream).ToList();
            Assert.Equal((expected.Length + 9) / 10, sent.Count);
            Assert.Contains("nextPage=", sent[1].GetProperty("query").GetString());
            var n = 0;
            await foreach (var _ in client.ItemsAsync(StreamRequest(), 10)) n++;
            await foreach (var _ in client.ItemsAsync(ClickLogs, pageSize: 3)) n++;
            n -= 7;
            Assert.Equal(expected.Length, n);
        }

        [Fact]
        public void Api2PagesCarryTheCursor()
        {
            using var client = Emu.OAuthClient();
            var total = Emu.SiemEvents().Length;
            var pages = client.Pages(StreamRequest(), 10).ToList();
            Assert.Equal(Enumerable.Range(0, (total + 9) / 10).Select(i => Math.Min(10, total - 10 * i)),
                pages.Select(p => p.Root.GetProperty("value").GetArrayLength()));
            Assert.False(string.IsNullOrEmpty(pages[0].Root.GetProperty("@nextPage").GetString()));
            Assert.Equal(pages.Select((p, i) => i == pages.Count - 1), pages.Select(p => p.Root.GetProperty("isCaughtUp").GetBoolean()));
        }

        [Fact]
        public void DiscoveryFindsTheBaseUrlAndTheFactoryUsesIt()
        {
            var options = new MimecastClientOptions { DiscoveryUrl = Emu.BaseUrl };
            Assert.Equal(Emu.BaseUrl, MimecastClient.DiscoverBaseUrl("admin@example.com", Emulator.AppId, options));
            using (var client = MimecastClient.FromEmailAddress("admin@example.com", Emulator.AppId, Emulator.AppKey, Emulator.AccessKey,
                       Emulator.SecretKey, options))
                Assert.Equal("CUSA12A345", client.GetAccount().AccountCode);
            var first = Emu.Requests()[0];
            Assert.Equal("/api/login/discover-authentication", first.GetProperty("path").GetString());
            Assert.False(first.GetProperty("headers").TryGetProperty("Authorization", out _));
        }

        [Fact]
        public async Task AnUnknownAddressFailsClearly()
        {
            var options = new MimecastClientOptions { DiscoveryUrl = Emu.BaseUrl };
            var e = Assert.Throws<MimecastApiFailureException>(() => MimecastClient.DiscoverBaseUrl("admin@unknown.example", null, options));
            Assert.Contains("no region", e.Message);
            await Assert.ThrowsAsync<MimecastApiFailureException>(() => MimecastClient.DiscoverBaseUrlAsync("admin@unknown.example", null, options));
            Assert.Throws<MimecastApiFailureException>(() => MimecastClient.FromEmailAddress("admin@unknown.example", "a", "b", "c", "AAAA", options));
            Assert.Throws<MimecastInvalidArgumentException>(() => MimecastClient.DiscoverBaseUrl("not an address", null, options));
        }
    }
}
