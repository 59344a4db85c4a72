using System;
using System.IO;
using Mimecast;

// Package smoke test: GetAccount against the emulator with the native library found through the package's
// runtimes/<rid>/native/ asset. Usage: PackageSmoke <emulator base url>. Exit code 0 = pass.
if (args.Length != 1) { Console.Error.WriteLine("usage: PackageSmoke <base url>"); return 2; }
if (!string.IsNullOrEmpty(Environment.GetEnvironmentVariable("MIMECAST_LIBRARY"))) { Console.Error.WriteLine("FAIL: MIMECAST_LIBRARY must be unset"); return 1; }

var secret = new byte[64];
for (int i = 0; i < 64; i++) secret[i] = (byte)i;
using var client = new MimecastClient(args[0], "6f6b3f73-1a2b-4c3d-9e8f-0123456789ab", "c2f1c8a0-5d8e-4f5a-9b7c-abcdef012345",
    "mYtOL3XZCOwG96BOiFTZRmMtmBmXMf4ULJMl0iBEPbQk4hgyl5nORmSY3EG8dS5tZEsQqhHddiO6rrDY6EbZ6ao7FxCpDaTw8QCuiRWOV3ldvoHfXPEgPWdiL0MC-7AIwH9OvEc8lXrJeYVO2tmyWA",
    Convert.ToBase64String(secret));
var account = client.GetAccount();
Console.WriteLine("native library: " + MimecastClient.NativeLibraryPath);
Console.WriteLine("native version: " + MimecastClient.NativeVersion);
Console.WriteLine(account);
var path = MimecastClient.NativeLibraryPath.Replace('\\', '/');
if (account.AccountName != "Exämple Corp Ltd") { Console.Error.WriteLine("FAIL: unexpected account name " + account.AccountName); return 1; }
if (!path.Contains("runtimes/linux-x64/native/") || File.Exists(Path.Combine(AppContext.BaseDirectory, "libmimecast.so")))
{
    Console.Error.WriteLine("FAIL: native library not taken from the package: " + path);
    return 1;
}
Console.WriteLine("PackageSmoke OK");
return 0;
