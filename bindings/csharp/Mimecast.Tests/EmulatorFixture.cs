using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Net.Http;
using System.Text;
using System.Text.Json;
using System.Threading.Tasks;
using Xunit;

[assembly: CollectionBehavior(DisableTestParallelization = true)]

namespace Mimecast.Tests
{
    /// <summary>Locates the repository root (the directory holding Cargo.toml) from the test assembly's directory.</summary>
    public static class Repo
    {
        public static readonly string Root = Find();

        private static string Find()
        {
            var dir = new DirectoryInfo(AppContext.BaseDirectory);
            while (dir != null)
            {
                if (File.Exists(Path.Combine(dir.FullName, "Cargo.toml")) && Directory.Exists(Path.Combine(dir.FullName, "tests")))
                    return dir.FullName;
                dir = dir.Parent;
            }
            throw new InvalidOperationException("Cargo.toml not found above " + AppContext.BaseDirectory);
        }

        public static string PathOf(params string[] parts) => Path.Combine(Root, Path.Combine(parts));

        /// <summary>A table of tests/shared/ (the same data every language's suite reads).</summary>
        public static JsonElement Shared(string name) =>
            JsonDocument.Parse(File.ReadAllText(PathOf("tests", "shared", name))).RootElement.Clone();

        /// <summary>bindings/errors.json, the error taxonomy every binding shares.</summary>
        public static JsonElement ErrorKinds() =>
            JsonDocument.Parse(File.ReadAllText(PathOf("bindings", "errors.json"))).RootElement.GetProperty("kinds").Clone();

        /// <summary>The C# exception type bindings/errors.json assigns to an mc_status name.</summary>
        public static Type ExceptionFor(string status)
        {
            foreach (var kind in ErrorKinds().EnumerateArray())
                foreach (var s in kind.GetProperty("statuses").EnumerateArray())
                    if (s.GetString() == status)
                        return typeof(MimecastException).Assembly.GetType("Mimecast." + kind.GetProperty("csharp").GetString(), throwOnError: true)!;
            throw new ArgumentException("no kind claims " + status);
        }
    }

    /// <summary>One running tests/mimecast_emulator.py process.</summary>
    public sealed class Emulator : IDisposable
    {
        private readonly Process _process;
        private static readonly HttpClient Http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };

        public string BaseUrl { get; }
        public string? ProxyUrl { get; }

        // The emulator's built-in keys, from the file it reads them from (tests/shared/emulator-keys.json).
        private static readonly JsonElement Keys = Repo.Shared("emulator-keys.json").GetProperty("keys");
        public static readonly string AppId = Keys.GetProperty("app_id").GetString()!;
        public static readonly string AppKey = Keys.GetProperty("app_key").GetString()!;
        public static readonly string AccessKey = Keys.GetProperty("access_key").GetString()!;
        public static readonly string SecretKey = Keys.GetProperty("secret_key").GetString()!;
        public static readonly string ClientId = Keys.GetProperty("client_id").GetString()!;
        public static readonly string ClientSecret = Keys.GetProperty("client_secret").GetString()!;

        public Emulator(params string[] args)
        {
            var psi = new ProcessStartInfo("python3")
            {
                RedirectStandardOutput = true,
                RedirectStandardError = false,
                UseShellExecute = false,
                WorkingDirectory = Repo.Root,
            };
            psi.ArgumentList.Add(Repo.PathOf("tests", "mimecast_emulator.py"));
            psi.ArgumentList.Add("--port");
            psi.ArgumentList.Add("0");
            foreach (var a in args) psi.ArgumentList.Add(a);
            _process = Process.Start(psi) ?? throw new InvalidOperationException("python3 did not start");
            var expectProxy = Array.IndexOf(args, "--proxy-port") >= 0;
            var readTask = Task.Run(() =>
            {
                string? baseUrl = null, proxy = null;
                while (baseUrl == null || (expectProxy && proxy == null))
                {
                    var line = _process.StandardOutput.ReadLine();
                    if (line == null) break;
                    if (line.StartsWith("MIMECAST_EMULATOR_READY ")) baseUrl = line.Substring("MIMECAST_EMULATOR_READY ".Length).Trim();
                    if (line.StartsWith("MIMECAST_PROXY_READY ")) proxy = line.Substring("MIMECAST_PROXY_READY ".Length).Trim();
                }
                return (baseUrl, proxy);
            });
            if (!readTask.Wait(TimeSpan.FromSeconds(20)) || readTask.Result.baseUrl == null)
            {
                Dispose();
                throw new InvalidOperationException("the emulator did not print its READY line");
            }
            BaseUrl = readTask.Result.baseUrl!;
            ProxyUrl = readTask.Result.proxy;
            // Keep draining stdout so the emulator never blocks on a full pipe.
            _ = Task.Run(() => { try { while (_process.StandardOutput.ReadLine() != null) { } } catch { } });
        }

        /// <summary>The base URL reachable by the control endpoints (https for --tls: trust is not configured for HttpClient).</summary>
        private string ControlUrl => BaseUrl;

        public void Reset() => Post("/_emulator/reset", "{}");

        public void Fault(string name, int times = 1, object? parameters = null)
        {
            var d = new Dictionary<string, object> { ["fault"] = name, ["times"] = times };
            if (parameters != null)
                foreach (var p in parameters.GetType().GetProperties())
                    d[p.Name] = p.GetValue(parameters)!;
            Post("/_emulator/faults", JsonSerializer.Serialize(d));
        }

        /// <summary>Queues a fault given as the JSON object of a shared table (<c>{"fault": name, ...}</c>).</summary>
        public void Fault(JsonElement spec) => Post("/_emulator/faults", spec.GetRawText());

        /// <summary>Makes the next answer <paramref name="body"/>, byte for byte (fault raw_body).</summary>
        public void RawBody(string body) => Fault("raw_body", 1, new { body });

        public JsonElement Stats()
        {
            var s = Http.GetStringAsync(ControlUrl + "/_emulator/stats").GetAwaiter().GetResult();
            return JsonDocument.Parse(s).RootElement.Clone();
        }

        /// <summary>The requests the emulator received since the last reset (GET /_emulator/requests).</summary>
        public JsonElement Requests()
        {
            var s = Http.GetStringAsync(ControlUrl + "/_emulator/requests").GetAwaiter().GetResult();
            return JsonDocument.Parse(s).RootElement.Clone();
        }

        /// <summary>The ids of the emulator's SIEM event set, in order (every SIEM source serves it).</summary>
        public string[] SiemEvents()
        {
            var s = Http.GetStringAsync(ControlUrl + "/_emulator/siem-events").GetAwaiter().GetResult();
            return JsonDocument.Parse(s).RootElement.EnumerateArray().Select(e => e.GetString()!).ToArray();
        }

        /// <summary>OAuth tokens issued so far (not cleared by reset).</summary>
        public int Tokens() => Stats().GetProperty("tokens_issued").GetInt32();

        private void Post(string path, string json)
        {
            using var r = Http.PostAsync(ControlUrl + path, new StringContent(json, Encoding.UTF8, "application/json")).GetAwaiter().GetResult();
            r.EnsureSuccessStatusCode();
        }

        public MimecastClient Client(MimecastClientOptions? options = null) =>
            new MimecastClient(BaseUrl, AppId, AppKey, AccessKey, SecretKey, options);

        public MimecastClient OAuthClient(MimecastClientOptions? options = null) =>
            MimecastClient.ForOAuth(ClientId, ClientSecret, BaseUrl, options);

        public void Dispose()
        {
            try
            {
                if (!_process.HasExited)
                {
                    _process.Kill();
                    _process.WaitForExit(5000);
                }
            }
            catch (InvalidOperationException) { }
            _process.Dispose();
        }
    }

    /// <summary>The shared emulator for most tests (default page items 7, a proxy).</summary>
    public sealed class EmulatorFixture : IDisposable
    {
        public Emulator Emulator { get; } = new Emulator("--proxy-port", "0");
        public void Dispose() => Emulator.Dispose();
    }

    [CollectionDefinition("emulator")]
    public sealed class EmulatorCollection : ICollectionFixture<EmulatorFixture> { }

    /// <summary>Base of test classes using the shared emulator: resets faults and stats before each test.</summary>
    [Collection("emulator")]
    public abstract class EmulatorTests
    {
        protected EmulatorTests(EmulatorFixture fixture)
        {
            Emu = fixture.Emulator;
            Emu.Reset();
        }

        protected Emulator Emu { get; }
    }
}
