using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
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
    }

    /// <summary>One running tests/mimecast_emulator.py process.</summary>
    public sealed class Emulator : IDisposable
    {
        private readonly Process _process;
        private static readonly HttpClient Http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };

        public string BaseUrl { get; }
        public string? ProxyUrl { get; }

        public const string AppId = "6f6b3f73-1a2b-4c3d-9e8f-0123456789ab";
        public const string AppKey = "c2f1c8a0-5d8e-4f5a-9b7c-abcdef012345";
        public const string AccessKey = "mYtOL3XZCOwG96BOiFTZRmMtmBmXMf4ULJMl0iBEPbQk4hgyl5nORmSY3EG8dS5tZEsQqhHddiO6rrDY6EbZ6ao7FxCpDaTw8QCuiRWOV3ldvoHfXPEgPWdiL0MC-7AIwH9OvEc8lXrJeYVO2tmyWA";
        public static readonly string SecretKey = Convert.ToBase64String(Range64());
        public const string ClientId = "emulator-client-id-0001";
        public const string ClientSecret = "emulator-client-secret-s3cr3t-0001";

        private static byte[] Range64() { var b = new byte[64]; for (int i = 0; i < 64; i++) b[i] = (byte)i; return b; }

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

        public JsonElement Stats()
        {
            var s = Http.GetStringAsync(ControlUrl + "/_emulator/stats").GetAwaiter().GetResult();
            return JsonDocument.Parse(s).RootElement.Clone();
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
