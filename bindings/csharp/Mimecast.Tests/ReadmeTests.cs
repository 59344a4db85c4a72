using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Net.Http;
using System.Text.Json;
using System.Text.RegularExpressions;
using System.Threading;
using System.Threading.Tasks;
using Xunit;

namespace Mimecast.Tests
{
    /// <summary>
    /// The C# examples of the READMEs run here against the emulator: each test holds a README block between
    /// <c>// README example NAME begins</c> and <c>// ... ends</c>, and checks that the block marked
    /// <c>&lt;!-- example: NAME --&gt;</c> in the README is that code, line for line (indentation aside).
    /// </summary>
    public class ReadmeTests : EmulatorTests
    {
        public ReadmeTests(EmulatorFixture f) : base(f) { }

        private static string[] Lines(string code) =>
            code.Replace("\r\n", "\n").Split('\n').Select(l => l.Trim()).ToArray();

        private static void AssertReadmeBlockIsTested(string readme, string name)
        {
            var text = File.ReadAllText(Repo.PathOf(readme.Split('/')));
            var blocks = Regex.Matches(text, "<!-- example: " + Regex.Escape(name) + "\\b[^\\n]*-->\\n```csharp\\n(.*?)\\n```", RegexOptions.Singleline);
            Assert.Single(blocks);
            var source = File.ReadAllText(Repo.PathOf("bindings", "csharp", "Mimecast.Tests", "ReadmeTests.cs"));
            var tested = Regex.Match(source, "// README example " + Regex.Escape(name) + " begins\\n(.*?)\\n\\s*// README example " + Regex.Escape(name) + " ends",
                RegexOptions.Singleline);
            Assert.True(tested.Success, "no tested copy of " + name);
            Assert.Equal(Lines(blocks[0].Groups[1].Value), Lines(tested.Groups[1].Value));
        }

        /// <summary>Runs <paramref name="example"/> in a temporary directory with the console captured.</summary>
        private static async Task<string[]> Run(Func<Task> example, string directory)
        {
            var output = new StringWriter();
            var console = Console.Out;
            var cwd = Directory.GetCurrentDirectory();
            Console.SetOut(output);
            Directory.SetCurrentDirectory(directory);
            try { await example(); }
            finally
            {
                Console.SetOut(console);
                Directory.SetCurrentDirectory(cwd);
            }
            return output.ToString().Replace("\r\n", "\n").TrimEnd('\n').Split('\n');
        }

        [Fact]
        public async Task BindingReadmeRestExampleRuns()
        {
            AssertReadmeBlockIsTested("bindings/csharp/README.md", "rest");
            var options = new MimecastClientOptions { DiscoveryUrl = Emu.BaseUrl };
            string appId = Emulator.AppId, appKey = Emulator.AppKey, accessKey = Emulator.AccessKey, secretKey = Emulator.SecretKey;
            var dir = Directory.CreateDirectory(Path.Combine(Path.GetTempPath(), "mimecast-readme-" + Guid.NewGuid())).FullName;
            string baseUrlSeen = "";
            var lines = await Run(async () =>
            {
                // README example rest begins
                // The API host of the account an address belongs to (options.DiscoveryUrl null: Mimecast's global host).
                string baseUrl = MimecastClient.DiscoverBaseUrl("admin@example.com", options: options);
                using var client = MimecastClient.FromEmailAddress("admin@example.com", appId, appKey, accessKey, secretKey, options);

                // Any method, query parameters and headers; the answer's status, headers and body.
                var request = new MimecastRequest(HttpMethod.Get, "/siem/v1/events/cg")
                    .WithQuery("types", "receipt")
                    .WithQuery("dateRangeStartsAt", "2026-11-30T00:00:00.000Z")
                    .WithHeader("X-Request-Tag", "nightly");
                MimecastHttpResponse page = await client.SendAsync(request);
                Console.WriteLine($"{(int)page.StatusCode} {page.Headers["X-RateLimit-Remaining"]} {page.GetJson().GetProperty("@nextPage")}");

                // Every item of every page: API 2.0 until caught up, or the log entries of a log endpoint.
                foreach (JsonElement e in client.Items(request, pageSize: 100)) Console.WriteLine(e.GetProperty("id"));
                foreach (JsonElement click in client.Items("/api/ttp/url/get-logs", pageSize: 500)) Console.WriteLine(click.GetProperty("url"));

                // A file answer: a SIEM log zip, and the next call's token in a response header.
                var siem = client.Send(new MimecastRequest(HttpMethod.Post, "/api/audit/get-siem-logs")
                    .WithJson(new { data = new[] { new { type = "MTA", compress = true } } })
                    .WithResponseMode(MimecastResponseMode.Any));
                File.WriteAllBytes("siem-0.zip", siem.Body.ToArray());
                Console.WriteLine(siem.Headers["mc-siem-token"]);
                // README example rest ends
                baseUrlSeen = baseUrl;
            }, dir);
            try
            {
                var ids = Emu.SiemEvents();
                Assert.Equal(Emu.BaseUrl, baseUrlSeen);
                Assert.Matches("^200 \\d+ \\S+$", lines[0]);
                Assert.Equal(ids, lines.Skip(1).Take(ids.Length));
                Assert.Equal(Enumerable.Range(1, 7).Select(i => "https://phish.example.net/" + i), lines.Skip(1 + ids.Length).Take(7));
                Assert.False(string.IsNullOrEmpty(lines[8 + ids.Length]));
                Assert.Equal(9 + ids.Length, lines.Length);
                using var zip = new System.IO.Compression.ZipArchive(File.OpenRead(Path.Combine(dir, "siem-0.zip")));
                Assert.EndsWith(".json", zip.Entries.Single().FullName);
            }
            finally
            {
                Directory.Delete(dir, recursive: true);
            }
        }

        public sealed class Group
        {
            public string? Path { get; set; }
        }

        [Fact]
        public async Task BindingReadmeEventsExampleRuns()
        {
            AssertReadmeBlockIsTested("bindings/csharp/README.md", "events");
            using var client = Emu.OAuthClient();
            var dir = Directory.CreateDirectory(Path.Combine(Path.GetTempPath(), "mimecast-readme-" + Guid.NewGuid())).FullName;
            long batchEvents = 0;
            var lines = await Run(async () =>
            {
                // README example events begins
                // Every event since a date, with a checkpoint: a restarted collector resumes after the last acknowledged batch.
                var options = new EventStreamOptions(EventStreamKind.Batch)
                {
                    Types = { "receipt" },
                    Start = "2026-11-30",
                    CheckpointPath = "receipt.checkpoint",
                };
                using var stop = new CancellationTokenSource(TimeSpan.FromMinutes(5));   // or Ctrl+C, a host's stopping token
                await foreach (MimecastEvent e in client.EventsAsync(options, stop.Token))
                    Console.WriteLine($"{e.Data.GetProperty("id")} {e.File}");

                // The low level: batch by batch, acknowledging yourself.
                using var stream = client.OpenEventStream(new EventStreamOptions(EventStreamKind.Stream) { Start = "2026-11-30" });
                while (stream.NextBatch(stop.Token))
                {
                    IReadOnlyList<string> batch = stream.ReadBatch();   // each event's JSON text
                    stream.Acknowledge();                               // handled: the checkpoint (if any) moves past it
                }
                Console.WriteLine(stream.Progress);                     // events, bytes, batches
                // README example events ends
                batchEvents = stream.Progress.Events;
            }, dir);
            try
            {
                var ids = Emu.SiemEvents();
                Assert.Equal(ids, lines.Take(ids.Length).Select(l => l.Split(' ')[0]));
                Assert.All(lines.Take(ids.Length), l => Assert.EndsWith(".gz", l.Split(' ')[1]));
                Assert.Equal(ids.Length, batchEvents);
                Assert.StartsWith(ids.Length + " events, ", lines[ids.Length]);
                Assert.Equal(ids.Length + 1, lines.Length);
                Assert.True(File.Exists(Path.Combine(dir, "receipt.checkpoint")));
            }
            finally
            {
                Directory.Delete(dir, recursive: true);
            }
        }

        [Fact]
        public async Task BindingReadmeCancelExampleRuns()
        {
            AssertReadmeBlockIsTested("bindings/csharp/README.md", "cancel");
            using var client = Emu.Client();
            // Only Get Account is held: a call cancelled before it was sent (a slow start on a loaded machine)
            // must not leave the fault to the typed call after it.
            Emu.Fault("slow", 1, new { delay_s = 5, path = "/api/account/get-account" });
            var watch = System.Diagnostics.Stopwatch.StartNew();
            var lines = await Run(async () =>
            {
                // README example cancel begins
                // A token stops a call in flight, whatever it is waiting for (connecting, TLS, the answer, a retry back-off).
                using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(200));
                try { await client.GetAccountAsync(cts.Token); }
                catch (OperationCanceledException e) when (e.CancellationToken == cts.Token) { Console.WriteLine("cancelled"); }

                // Typed calls: the body serialized and the envelope's data read with System.Text.Json.
                var web = new JsonSerializerOptions(JsonSerializerDefaults.Web);
                List<Group>? groups = client.Request<List<Group>>("/api/directory/find-groups", new { data = new[] { new { query = "sales" } } }, web);
                Console.WriteLine(groups!.Count);
                // README example cancel ends
            }, Path.GetTempPath());
            Assert.Equal(new[] { "cancelled", "1" }, lines);
            Assert.True(watch.Elapsed < TimeSpan.FromSeconds(4), watch.Elapsed.ToString());
        }

        [Fact]
        public async Task RootReadmeCSharpExampleRuns()
        {
            AssertReadmeBlockIsTested("README.md", "csharp");
            var options = new MimecastClientOptions { DiscoveryUrl = Emu.BaseUrl };
            using var client = Emu.Client();
            var lines = await Run(() =>
            {
                // README example csharp begins
                Console.WriteLine(MimecastClient.DiscoverBaseUrl("admin@example.com", options: options));   // the account's API host
                foreach (var click in client.Items("/api/ttp/url/get-logs")) Console.WriteLine(click.GetProperty("url"));
                var events = new MimecastRequest(HttpMethod.Get, "/siem/v1/events/cg")
                    .WithQuery("types", "receipt").WithQuery("dateRangeStartsAt", "2026-11-30T00:00:00.000Z");
                foreach (var e in client.Items(events, pageSize: 100)) Console.WriteLine(e.GetProperty("id"));     // API 2.0 paging
                var file = client.Send(new MimecastRequest(HttpMethod.Post, "/api/audit/get-siem-logs")
                    .WithJson("{\"data\":[{\"type\":\"MTA\"}]}").WithResponseMode(MimecastResponseMode.Any));
                Console.WriteLine($"{(int)file.StatusCode} {file.Headers["mc-siem-token"]} {file.Body.Length}");
                // README example csharp ends
                return Task.CompletedTask;
            }, Path.GetTempPath());
            Assert.Equal(Emu.BaseUrl, lines[0]);
            Assert.Equal(Enumerable.Range(1, 7).Select(i => "https://phish.example.net/" + i), lines.Skip(1).Take(7));
            var ids = Emu.SiemEvents();
            Assert.Equal(ids, lines.Skip(8).Take(ids.Length));
            Assert.Matches("^200 \\S+ \\d+$", lines[8 + ids.Length]);
        }
    }
}
