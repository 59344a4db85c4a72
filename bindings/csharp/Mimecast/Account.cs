using System;
using System.Collections.Generic;
using System.Runtime.InteropServices;
using System.Text.Json;
using Mimecast.Native;

namespace Mimecast
{
    /// <summary>A Mimecast account, as returned by Get Account (<c>/api/account/get-account</c>).</summary>
    /// <remarks>
    /// The values are the ones libmimecast read from the response (the C <c>mc_account</c>), so every language binding
    /// sees the same account: text is null when Mimecast left the field out, a number is null when absent or null, a flag
    /// is false when absent. A number that is not an integer (<c>30.0</c> counts as 30) or does not fit 64 bits fails the
    /// call with <see cref="MimecastMalformedResponseException"/> naming the field, in every language.
    /// </remarks>
    public sealed class Account
    {
        /// <summary>The unique Mimecast account code (<c>accountCode</c>).</summary>
        public string? AccountCode { get; private set; }
        /// <summary>The account name (<c>accountName</c>).</summary>
        public string? AccountName { get; private set; }
        /// <summary>The first administrator created on the account (<c>adminEmail</c>).</summary>
        public string? AdminEmail { get; private set; }
        /// <summary>Whether archiving is enabled (<c>archive</c>; false when absent).</summary>
        public bool Archive { get; private set; }
        /// <summary>Whether purging of expired storage segments is enabled (<c>automatedSegmentPurge</c>).</summary>
        public bool AutomatedSegmentPurge { get; private set; }
        /// <summary>The database code (<c>databaseCode</c>).</summary>
        public string? DatabaseCode { get; private set; }
        /// <summary>The temporary domain Mimecast generated for the account (<c>domain</c>); not for mail routing.</summary>
        public string? Domain { get; private set; }
        /// <summary>Whether gateway features are enabled (<c>gateway</c>).</summary>
        public bool Gateway { get; private set; }
        /// <summary>The mail platform (<c>mailPlatform</c>).</summary>
        public string? MailPlatform { get; private set; }
        /// <summary>The maximum retention in days (<c>maxRetention</c>), or null when absent.</summary>
        public long? MaxRetention { get; private set; }
        /// <summary>Whether the maximum retention has been confirmed (<c>maxRetentionConfirmed</c>).</summary>
        public bool MaxRetentionConfirmed { get; private set; }
        /// <summary>The unique Mimecast id of the account (<c>mimecastId</c>).</summary>
        public string? MimecastId { get; private set; }
        /// <summary>The packages enabled on the account (<c>packages</c>); empty when absent.</summary>
        public IReadOnlyList<string> Packages { get; private set; } = Array.Empty<string>();
        /// <summary>The passphrase Mimecast Support uses to verify callers (<c>passphrase</c>). Sensitive: not shown by <see cref="ToString"/>.</summary>
        public string? Passphrase { get; private set; }
        /// <summary>Whether policy inheritance is enabled (<c>policyInheritance</c>).</summary>
        public bool PolicyInheritance { get; private set; }
        /// <summary>Where the account is hosted (<c>region</c>).</summary>
        public string? Region { get; private set; }
        /// <summary>The support code (<c>supportCode</c>).</summary>
        public string? SupportCode { get; private set; }
        /// <summary>The type of account (<c>type</c>).</summary>
        public string? Type { get; private set; }
        /// <summary>The number of user licences (<c>userCount</c>), or null when absent.</summary>
        public long? UserCount { get; private set; }
        /// <summary>The account object (<c>data[0]</c> of the response) exactly as the server sent it, as JSON text,
        /// including any field not mapped above.</summary>
        public string Json { get; private set; } = "{}";
        /// <summary>
        /// The whole response body as received (the envelope with <c>meta</c> and <c>data</c>), as in every binding.
        /// Before 0.1.0's issue 11 this was the account object: that is now <see cref="Json"/>.
        /// </summary>
        public string RawJson { get; private set; } = string.Empty;
        /// <summary>The whole response body: the same as <see cref="RawJson"/>, kept for code written before it was.</summary>
        [Obsolete("Use RawJson (the whole body, as in every binding); the account object is Json.")]
        public string? ResponseJson => RawJson;

        /// <summary>The account libmimecast filled in (mc_account): its values, converted only from C's conventions.</summary>
        internal static Account FromNative(NativeAccount a)
        {
            int count = checked((int)a.PackagesLen.ToUInt64());
            var packages = new string[count];
            for (int i = 0; i < count; i++)
                packages[i] = Utf8.PtrToString(Marshal.ReadIntPtr(a.Packages, i * IntPtr.Size)) ?? string.Empty;
            return new Account
            {
                AccountCode = Utf8.PtrToString(a.AccountCode),
                AccountName = Utf8.PtrToString(a.AccountName),
                AdminEmail = Utf8.PtrToString(a.AdminEmail),
                Archive = a.Archive,
                AutomatedSegmentPurge = a.AutomatedSegmentPurge,
                DatabaseCode = Utf8.PtrToString(a.DatabaseCode),
                Domain = Utf8.PtrToString(a.Domain),
                Gateway = a.Gateway,
                MailPlatform = Utf8.PtrToString(a.MailPlatform),
                MaxRetention = a.MaxRetention == -1 ? (long?)null : a.MaxRetention,
                MaxRetentionConfirmed = a.MaxRetentionConfirmed,
                MimecastId = Utf8.PtrToString(a.MimecastId),
                Packages = Array.AsReadOnly(packages),
                Passphrase = Utf8.PtrToString(a.Passphrase),
                PolicyInheritance = a.PolicyInheritance,
                Region = Utf8.PtrToString(a.Region),
                SupportCode = Utf8.PtrToString(a.SupportCode),
                Type = Utf8.PtrToString(a.AccountType),
                UserCount = a.UserCount == -1 ? (long?)null : a.UserCount,
                Json = Utf8.PtrToString(a.Json) ?? "{}",
                RawJson = Utf8.PtrToString(a.RawJson) ?? string.Empty,
            };
        }

        /// <summary>
        /// Builds an account from an account object's JSON text, for tests and fixtures. Values of the right JSON type are
        /// taken as they are (a number must be an integer); anything else counts as absent. <see cref="MimecastClient.GetAccount(System.Threading.CancellationToken)"/>
        /// does not use this: it takes the values libmimecast read.
        /// </summary>
        /// <param name="json">The account object as JSON text.</param>
        /// <param name="responseJson">The whole response body, kept in <see cref="RawJson"/>; may be null.</param>
        /// <exception cref="ArgumentNullException"><paramref name="json"/> is null.</exception>
        /// <exception cref="MimecastMalformedResponseException">The text is not a JSON object.</exception>
        public static Account Parse(string json, string? responseJson = null)
        {
            if (json == null) throw new ArgumentNullException(nameof(json));
            try
            {
                using var doc = JsonDocument.Parse(json, MimecastResponse.JsonOptions);
                var o = doc.RootElement;
                if (o.ValueKind != JsonValueKind.Object)
                    throw new MimecastMalformedResponseException("The account is not a JSON object.");
                var packages = new List<string>();
                if (o.TryGetProperty("packages", out var p) && p.ValueKind == JsonValueKind.Array)
                    foreach (var e in p.EnumerateArray())
                        if (e.ValueKind == JsonValueKind.String) packages.Add(e.GetString()!);
                return new Account
                {
                    AccountCode = Str(o, "accountCode"),
                    AccountName = Str(o, "accountName"),
                    AdminEmail = Str(o, "adminEmail"),
                    Archive = Bool(o, "archive"),
                    AutomatedSegmentPurge = Bool(o, "automatedSegmentPurge"),
                    DatabaseCode = Str(o, "databaseCode"),
                    Domain = Str(o, "domain"),
                    Gateway = Bool(o, "gateway"),
                    MailPlatform = Str(o, "mailPlatform"),
                    MaxRetention = Num(o, "maxRetention"),
                    MaxRetentionConfirmed = Bool(o, "maxRetentionConfirmed"),
                    MimecastId = Str(o, "mimecastId"),
                    Packages = packages.AsReadOnly(),
                    Passphrase = Str(o, "passphrase"),
                    PolicyInheritance = Bool(o, "policyInheritance"),
                    Region = Str(o, "region"),
                    SupportCode = Str(o, "supportCode"),
                    Type = Str(o, "type"),
                    UserCount = Num(o, "userCount"),
                    Json = json,
                    RawJson = responseJson ?? string.Empty,
                };
            }
            catch (JsonException e)
            {
                throw new MimecastMalformedResponseException("The account is not valid JSON: " + e.Message);
            }
        }

        private static string? Str(JsonElement o, string name) =>
            o.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

        private static bool Bool(JsonElement o, string name) =>
            o.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.True;

        private static long? Num(JsonElement o, string name) =>
            o.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number && v.TryGetInt64(out var n) ? n : (long?)null;

        /// <summary>A one-line summary (never the passphrase).</summary>
        public override string ToString() =>
            $"Account {AccountCode} '{AccountName}' (region {Region}, {UserCount} users, admin {AdminEmail})";
    }
}
