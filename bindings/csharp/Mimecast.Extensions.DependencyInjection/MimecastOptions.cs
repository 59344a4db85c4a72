using System;

namespace Mimecast.Extensions.DependencyInjection
{
    /// <summary>
    /// Everything needed to make a <see cref="MimecastClient"/>, in a shape configuration binds to (e.g. the "Mimecast"
    /// section of appsettings.json). API 2.0 when <see cref="ClientId"/> is set, API 1.0 otherwise. Keep the secrets in a
    /// secret store (user secrets, environment variables, a vault), not in a committed file.
    /// </summary>
    public sealed class MimecastOptions
    {
        /// <summary>The configuration section <c>AddMimecast(IConfiguration)</c> callers usually pass: "Mimecast".</summary>
        public const string SectionName = "Mimecast";

        /// <summary>API 1.0: a region name (eu, us, ...) or https URL (required). API 2.0: null for the global host, a region or a URL.</summary>
        public string? BaseUrl { get; set; }

        /// <summary>API 1.0 application id.</summary>
        public string? AppId { get; set; }

        /// <summary>API 1.0 application key.</summary>
        public string? AppKey { get; set; }

        /// <summary>API 1.0 access key.</summary>
        public string? AccessKey { get; set; }

        /// <summary>API 1.0 secret key (base64).</summary>
        public string? SecretKey { get; set; }

        /// <summary>API 2.0 client id (its presence selects API 2.0).</summary>
        public string? ClientId { get; set; }

        /// <summary>API 2.0 client secret.</summary>
        public string? ClientSecret { get; set; }

        /// <summary>See <see cref="MimecastClientOptions.Timeout"/>.</summary>
        public TimeSpan? Timeout { get; set; }

        /// <summary>See <see cref="MimecastClientOptions.ConnectTimeout"/>.</summary>
        public TimeSpan? ConnectTimeout { get; set; }

        /// <summary>See <see cref="MimecastClientOptions.MaxRetries"/>.</summary>
        public int? MaxRetries { get; set; }

        /// <summary>See <see cref="MimecastClientOptions.RetryBudget"/>.</summary>
        public TimeSpan? RetryBudget { get; set; }

        /// <summary>See <see cref="MimecastClientOptions.RetryAfterSend"/>.</summary>
        public bool RetryAfterSend { get; set; }

        /// <summary>See <see cref="MimecastClientOptions.Proxy"/>.</summary>
        public string? Proxy { get; set; }

        /// <summary>See <see cref="MimecastClientOptions.CaBundlePath"/>.</summary>
        public string? CaBundlePath { get; set; }

        /// <summary>See <see cref="MimecastClientOptions.AllowInsecureHttp"/>.</summary>
        public bool AllowInsecureHttp { get; set; }

        /// <summary>See <see cref="MimecastClientOptions.MaxResponseBytes"/>.</summary>
        public long? MaxResponseBytes { get; set; }

        /// <summary>See <see cref="MimecastClientOptions.DiscoveryUrl"/>.</summary>
        public string? DiscoveryUrl { get; set; }

        /// <summary>True for API 2.0 (OAuth) credentials.</summary>
        public bool IsOAuth => !string.IsNullOrEmpty(ClientId);

        /// <summary>Null when the credentials are complete, else what is missing (names only, never values).</summary>
        /// <returns>The problem, or null.</returns>
        public string? Problem()
        {
            if (IsOAuth)
                return string.IsNullOrEmpty(ClientSecret) ? "Mimecast:ClientSecret is missing (Mimecast:ClientId is set, so API 2.0 is used)." : null;
            var missing = new[] { ("BaseUrl", BaseUrl), ("AppId", AppId), ("AppKey", AppKey), ("AccessKey", AccessKey), ("SecretKey", SecretKey) };
            var names = Array.FindAll(missing, m => string.IsNullOrEmpty(m.Item2));
            if (names.Length == 0) return null;
            return "Mimecast options are incomplete: set Mimecast:ClientId and Mimecast:ClientSecret (API 2.0), or Mimecast:BaseUrl, "
                + "AppId, AppKey, AccessKey and SecretKey (API 1.0). Missing: " + string.Join(", ", Array.ConvertAll(names, m => m.Item1)) + ".";
        }

        /// <summary>The client settings these options carry (without a logger).</summary>
        /// <returns>New client options.</returns>
        public MimecastClientOptions ToClientOptions() => new MimecastClientOptions
        {
            Timeout = Timeout,
            ConnectTimeout = ConnectTimeout,
            MaxRetries = MaxRetries,
            RetryBudget = RetryBudget,
            RetryAfterSend = RetryAfterSend,
            Proxy = Proxy,
            CaBundlePath = CaBundlePath,
            AllowInsecureHttp = AllowInsecureHttp,
            MaxResponseBytes = MaxResponseBytes,
            DiscoveryUrl = DiscoveryUrl,
        };

        /// <summary>Makes a client from these options.</summary>
        /// <param name="clientOptions">Client settings (e.g. from <see cref="ToClientOptions"/> with a logger), or null.</param>
        /// <returns>The client.</returns>
        /// <exception cref="InvalidOperationException">The credentials are incomplete (<see cref="Problem"/>).</exception>
        public MimecastClient CreateClient(MimecastClientOptions? clientOptions = null)
        {
            var problem = Problem();
            if (problem != null) throw new InvalidOperationException(problem);
            return IsOAuth
                ? MimecastClient.ForOAuth(ClientId!, ClientSecret!, string.IsNullOrEmpty(BaseUrl) ? null : BaseUrl, clientOptions)
                : new MimecastClient(BaseUrl!, AppId!, AppKey!, AccessKey!, SecretKey!, clientOptions);
        }

        /// <summary>Names the API in use; never a secret.</summary>
        public override string ToString() => IsOAuth ? "MimecastOptions (API 2.0)" : "MimecastOptions (API 1.0, " + (BaseUrl ?? "no base URL") + ")";
    }
}
