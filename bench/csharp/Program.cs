// C# side of the libmimecast benchmarks (driven by bench/run.sh).
//   Bench sign ITERS REPS
//   Bench rt URL ITERS REPS
//   Bench siem URL          (issue 15: the SIEM pull of bench/c/siem_pull.c through client.Events())
// The binding (Mimecast.MimecastClient, compiled in with -p:WithBinding=true) against Mimecast's
// published C# sample: HMACSHA1 + Guid + DateTime per request; HttpClient (keep-alive) for the
// round trip. One JSON line per result on stdout.
using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Net.Http;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

static class Bench
{
    const string AppId = "8a2b4c6d-1111-2222-3333-444455556666";
    const string AppKey = "0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0";
    const string AccessKey = "mYtOL3XZCOwG96BOiFTZRmMZWGxC9rxbKz2a8wnm5Sq0GqPqRX9ngf0LqH8B9TjKbmRvW5lWyIg2Ef8s2hfb7";
    const string SecretKey = "KTOlJxBehyd0JB1BfzT7pODzo3byUZwHbz8Ssjaz+298Gy9171VwGT+fbIW9GKIf3iYfaTDbsI5BxkSUY93twg==";
    const string Date = "Tue, 24 Nov 2015 12:50:11 UTC";
    const string ReqId = "5a2a0e0c-5b1b-4c6f-9e0e-3f1b8a7d2c11";
    const string Uri = "/api/account/get-account";
    static volatile int sink;

    static void Emit(string id, List<double> reps, long iters, string? note = null)
    {
        var s = reps.OrderBy(x => x).ToList();
        double med = s.Count % 2 == 1 ? s[s.Count / 2] : (s[s.Count / 2 - 1] + s[s.Count / 2]) / 2;
        var d = new Dictionary<string, object> { ["id"] = id, ["unit"] = "ns/op", ["median"] = Math.Round(med, 1),
            ["reps"] = reps.Select(r => Math.Round(r, 1)).ToArray(), ["iters"] = iters };
        if (note != null) d["note"] = note;
        Console.WriteLine(JsonSerializer.Serialize(d));
    }

    static void Measure(string id, long iters, int reps, Action f, string? note = null)
    {
        // Warm-up: enough calls for tiered JIT to reach the optimised code.
        for (long i = 0; i < Math.Max(iters / 5, 1); i++) f();
        var outs = new List<double>();
        for (int r = 0; r < reps; r++)
        {
            var sw = Stopwatch.StartNew();
            for (long i = 0; i < iters; i++) f();
            outs.Add(sw.Elapsed.TotalMilliseconds * 1e6 / iters);
        }
        Emit(id, outs, iters, note);
    }

    static void Unavailable(string id, string reason) =>
        Console.WriteLine(JsonSerializer.Serialize(new Dictionary<string, object> { ["id"] = id, ["unavailable"] = reason }));

    // Mimecast's C# sample, line for line (minus the request).
    static (string auth, string date, string reqId) SampleSign()
    {
        string hdrDate = System.DateTime.Now.ToUniversalTime().ToString("R");
        string requestId = System.Guid.NewGuid().ToString();
        using System.Security.Cryptography.HMAC h = new System.Security.Cryptography.HMACSHA1(System.Convert.FromBase64String(SecretKey));
        byte[] hash = h.ComputeHash(System.Text.Encoding.Default.GetBytes(hdrDate + ":" + requestId + ":" + Uri + ":" + AppKey));
        string signature = "MC " + AccessKey + ":" + System.Convert.ToBase64String(hash);
        return (signature, hdrDate, requestId);
    }

    static readonly byte[] SecretBytes = Convert.FromBase64String(SecretKey);

    // The same with .NET's static one-shot HMACSHA1.HashData and the key decoded once (a modern rewrite).
    static (string auth, string date, string reqId) ModernSign()
    {
        string hdrDate = DateTime.UtcNow.ToString("ddd, dd MMM yyyy HH:mm:ss 'UTC'", System.Globalization.CultureInfo.InvariantCulture);
        string requestId = Guid.NewGuid().ToString();
        byte[] hash = HMACSHA1.HashData(SecretBytes, Encoding.UTF8.GetBytes(hdrDate + ":" + requestId + ":" + Uri + ":" + AppKey));
        return ("MC " + AccessKey + ":" + Convert.ToBase64String(hash), hdrDate, requestId);
    }

    static void Sign(long iters, int reps)
    {
#if HAVE_BINDING
        using (var c = new Mimecast.MimecastClient("https://eu-api.mimecast.com", AppId, AppKey, AccessKey, SecretKey))
        {
            Measure("cs.sign.fixed", iters, reps, () => sink += c.Sign(Uri, Date, ReqId).Authorization.Length);
            Measure("cs.sign.generated", iters, reps, () => sink += c.Sign(Uri).Authorization.Length);
        }
#else
        Unavailable("cs.sign.fixed", BindingReason());
        Unavailable("cs.sign.generated", BindingReason());
#endif
        Measure("cs.ref.sign", iters, reps, () => sink += SampleSign().auth.Length);
        Measure("cs.ref.sign_hashdata", iters, reps, () => sink += ModernSign().auth.Length);
        var data = Encoding.UTF8.GetBytes(Date + ":" + ReqId + ":" + Uri + ":" + AppKey);
        Measure("cs.floor.hmac", iters, reps, () => sink += HMACSHA1.HashData(SecretBytes, data)[0]);
    }

    static string BindingReason() => Environment.GetEnvironmentVariable("BENCH_CS_BINDING_REASON") ?? "the C# binding was not compiled in";

    static void Rt(string url, long iters, int reps)
    {
#if HAVE_BINDING
        using (var c = new Mimecast.MimecastClient(url, AppId, AppKey, AccessKey, SecretKey))
        {
            if (string.IsNullOrEmpty(c.GetAccount().AccountCode)) throw new Exception("no account code");
            Measure("cs.rt.lib", iters, reps, () => sink += c.GetAccount().AccountCode!.Length);
        }
#else
        Unavailable("cs.rt.lib", BindingReason());
#endif
        using var http = new HttpClient(new SocketsHttpHandler { UseProxy = false, PooledConnectionLifetime = TimeSpan.FromMinutes(10) });
        var body = "{\"data\":[]}";
        void SampleCall()
        {
            var (auth, date, reqId) = SampleSign();
            using var req = new HttpRequestMessage(HttpMethod.Post, url + Uri);
            req.Headers.TryAddWithoutValidation("Authorization", auth);
            req.Headers.Add("x-mc-date", date);
            req.Headers.Add("x-mc-req-id", reqId);
            req.Headers.Add("x-mc-app-id", AppId);
            req.Headers.Add("Accept", "application/json");
            req.Content = new StringContent(body, Encoding.UTF8, "application/json");
            using var resp = http.Send(req);
            resp.EnsureSuccessStatusCode();
            using var stream = resp.Content.ReadAsStream();
            using var doc = JsonDocument.Parse(stream);
            sink += doc.RootElement.GetProperty("data")[0].GetProperty("accountCode").GetString()!.Length;
        }
        Measure("cs.ref.rt_httpclient", iters, reps, SampleCall, "HttpClient (SocketsHttpHandler, keep-alive), sync Send");
    }

#if HAVE_BINDING
    /// <summary>
    /// The pull of bench/c/siem_pull.c (API 2.0 batch, pages of 10 files) through client.Events(): every event handed
    /// over as a .NET string, its bytes counted (a UTF-8 pass stands in for writing it out), each batch acknowledged.
    /// CPU time of this process (the emulator's is not ours), peak RSS from /proc (VmHWM).
    /// </summary>
    static void Siem(string url)
    {
        using var client = Mimecast.MimecastClient.ForOAuth("emulator-client-id-0001", "emulator-client-secret-s3cr3t-0001", url,
            new Mimecast.MimecastClientOptions { Proxy = "" });
        var options = new Mimecast.EventStreamOptions(Mimecast.EventStreamKind.Batch) { Start = "2026-11-30", PageSize = 10 };
        var process = Process.GetCurrentProcess();
        var cpu0 = process.TotalProcessorTime;
        var wall = Stopwatch.StartNew();
        long events = 0, bytes = 0;
        foreach (var e in client.Events(options))
        {
            events++;
            bytes += Encoding.UTF8.GetByteCount(e.Json);
        }
        double wallS = wall.Elapsed.TotalSeconds;
        process.Refresh();
        double cpuS = (process.TotalProcessorTime - cpu0).TotalSeconds;
        long hwm = 0;
        foreach (var line in System.IO.File.ReadLines("/proc/self/status"))
            if (line.StartsWith("VmHWM:")) hwm = long.Parse(line.Substring(6).Trim().Split(' ')[0]);
        Console.WriteLine(JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["id"] = "cs.siem.lib", ["events"] = events, ["bytes"] = bytes, ["cpu_s"] = Math.Round(cpuS, 3),
            ["wall_s"] = Math.Round(wallS, 3), ["mb_per_cpu_s"] = Math.Round(cpuS > 0 ? bytes / 1e6 / cpuS : 0, 1),
            ["mb_per_wall_s"] = Math.Round(wallS > 0 ? bytes / 1e6 / wallS : 0, 1), ["maxrss_kib"] = hwm,
        }));
    }
#endif

    static int Main(string[] a)
    {
        if (a.Length >= 3 && a[0] == "sign") Sign(long.Parse(a[1]), int.Parse(a[2]));
        else if (a.Length >= 4 && a[0] == "rt") Rt(a[1], long.Parse(a[2]), int.Parse(a[3]));
#if HAVE_BINDING
        else if (a.Length >= 2 && a[0] == "siem") Siem(a[1]);
#endif
        else { Console.Error.WriteLine("usage: Bench sign ITERS REPS | rt URL ITERS REPS | siem URL"); return 2; }
        return 0;
    }
}
