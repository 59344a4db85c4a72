using System;
using System.Diagnostics;
using System.IO;
using System.Net.Sockets;
using System.Text;
using System.Threading;
using Microsoft.Extensions.DependencyInjection;
using Mimecast;
using Mimecast.Extensions.DependencyInjection;

// Package smoke test (run by ../test-package.sh, also as a win-x64 app under Wine and a linux-arm64 app under
// qemu): GetAccount against the emulator with the native library found through the package's
// runtimes/<rid>/native/ asset, never MIMECAST_LIBRARY; a call cancelled in flight; a client from the companion
// package's AddMimecast.
//
//   PackageSmoke <emulator base url> <copy of the native file the package has for this platform>
//   PackageSmoke --expect-missing     (the native library was deleted: the error must list where it looked)
//
// Exit code 0 = pass.
if (!string.IsNullOrEmpty(Environment.GetEnvironmentVariable("MIMECAST_LIBRARY")))
{
    Console.Error.WriteLine("FAIL: MIMECAST_LIBRARY must be unset");
    return 1;
}

if (args.Length == 1 && args[0] == "--expect-missing")
{
    try
    {
        Console.WriteLine("native library: " + MimecastClient.NativeLibraryPath);
        Console.Error.WriteLine("FAIL: the library loaded although it was removed");
        return 1;
    }
    catch (Exception e)
    {
        while (e.InnerException != null && !(e is DllNotFoundException)) e = e.InnerException;
        Console.WriteLine(e.GetType().Name + ": " + e.Message);
        var native = OperatingSystem.IsWindows() ? "libmimecast.dll" : "libmimecast.so";
        if (!(e is DllNotFoundException) || !e.Message.Contains(Path.Combine(AppContext.BaseDirectory, native)))
        {
            Console.Error.WriteLine("FAIL: expected a DllNotFoundException that lists " + Path.Combine(AppContext.BaseDirectory, native));
            return 1;
        }
        Console.WriteLine("PackageSmoke OK (missing library reported with the places tried)");
        return 0;
    }
}

if (args.Length != 2) { Console.Error.WriteLine("usage: PackageSmoke <base url> <expected native file> | --expect-missing"); return 2; }

var secret = new byte[64];
for (int i = 0; i < 64; i++) secret[i] = (byte)i;
const string appId = "6f6b3f73-1a2b-4c3d-9e8f-0123456789ab", appKey = "c2f1c8a0-5d8e-4f5a-9b7c-abcdef012345";
const string accessKey = "mYtOL3XZCOwG96BOiFTZRmMtmBmXMf4ULJMl0iBEPbQk4hgyl5nORmSY3EG8dS5tZEsQqhHddiO6rrDY6EbZ6ao7FxCpDaTw8QCuiRWOV3ldvoHfXPEgPWdiL0MC-7AIwH9OvEc8lXrJeYVO2tmyWA";
var secretKey = Convert.ToBase64String(secret);
using var client = new MimecastClient(args[0], appId, appKey, accessKey, secretKey);
var account = client.GetAccount();
var path = MimecastClient.NativeLibraryPath;
Console.WriteLine("platform:       " + System.Runtime.InteropServices.RuntimeInformation.RuntimeIdentifier);
Console.WriteLine("native library: " + path);
Console.WriteLine("native version: " + MimecastClient.NativeVersion);
Console.WriteLine(account);
if (account.AccountName != "Exämple Corp Ltd") { Console.Error.WriteLine("FAIL: unexpected account name " + account.AccountName); return 1; }
// The file loaded is the package's asset for this platform, byte for byte. (Compared directly: .NET's
// hashing needs OpenSSL, which the arm64 run under qemu does not have.)
if (!File.ReadAllBytes(path).AsSpan().SequenceEqual(File.ReadAllBytes(args[1])))
{
    Console.Error.WriteLine("FAIL: loaded " + path + ", which is not the package's asset for this platform (" + args[1] + ")");
    return 1;
}

// Cancellation through the native flag, on this platform: the emulator holds the next answer 5 s, the token fires
// after 200 ms, and the call must end long before the answer would have come.
QueueFault(args[0], "{\"fault\":\"slow\",\"times\":1,\"delay_s\":5}");
using (var cts = new CancellationTokenSource())
{
    var watch = Stopwatch.StartNew();
    cts.CancelAfter(200);
    try
    {
        await client.GetAccountAsync(cts.Token);
        Console.Error.WriteLine("FAIL: the call was not cancelled");
        return 1;
    }
    catch (OperationCanceledException e) when (e.CancellationToken == cts.Token)
    {
        Console.WriteLine($"cancelled after 200 ms: returned after {watch.ElapsedMilliseconds} ms");
        if (watch.Elapsed > TimeSpan.FromSeconds(3)) { Console.Error.WriteLine("FAIL: the cancel was not honoured in flight"); return 1; }
    }
}

// The companion package: a client from options through dependency injection.
var services = new ServiceCollection();
services.AddMimecast(o =>
{
    o.BaseUrl = args[0];
    o.AppId = appId;
    o.AppKey = appKey;
    o.AccessKey = accessKey;
    o.SecretKey = secretKey;
});
using (var provider = services.BuildServiceProvider())
{
    var injected = provider.GetRequiredService<IMimecastClient>().GetAccount();
    if (injected.AccountName != account.AccountName) { Console.Error.WriteLine("FAIL: the injected client read " + injected.AccountName); return 1; }
    Console.WriteLine("dependency injection: " + injected.AccountName);
}

Console.WriteLine("PackageSmoke OK");
return 0;

// POST /_emulator/faults over a plain socket (no HttpClient: nothing here may need OpenSSL, absent under qemu).
static void QueueFault(string baseUrl, string json)
{
    var uri = new Uri(baseUrl);
    using var tcp = new TcpClient(uri.Host, uri.Port);
    using var net = tcp.GetStream();
    var body = Encoding.UTF8.GetBytes(json);
    var head = Encoding.ASCII.GetBytes($"POST /_emulator/faults HTTP/1.1\r\nHost: {uri.Authority}\r\nContent-Type: application/json\r\nContent-Length: {body.Length}\r\nConnection: close\r\n\r\n");
    net.Write(head, 0, head.Length);
    net.Write(body, 0, body.Length);
    var answer = new StreamReader(net, Encoding.ASCII).ReadLine() ?? "";
    if (!answer.Contains(" 200 ")) throw new InvalidOperationException("the emulator refused the fault: " + answer);
}
