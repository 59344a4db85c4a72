using System;

namespace Mimecast
{
    /// <summary>
    /// Settings for a <see cref="MimecastClient"/>. Every property left null keeps the library's production default.
    /// The client copies what it needs when it is created: changing options afterwards does not affect it.
    /// </summary>
    public sealed class MimecastClientOptions
    {
        /// <summary>Time allowed for a whole request, reading the body included (default 60 s). Must be positive.</summary>
        public TimeSpan? Timeout { get; set; }

        /// <summary>Time allowed to open a connection, TCP and TLS (default 10 s). Must be positive.</summary>
        public TimeSpan? ConnectTimeout { get; set; }

        /// <summary>A PEM file of CA certificates trusted in addition to the system's (TLS-inspecting proxies, private servers).</summary>
        public string? CaBundlePath { get; set; }

        /// <summary>Allow plain http:// to hosts that are not loopback (default false). Keys would travel unencrypted.</summary>
        public bool AllowInsecureHttp { get; set; }

        /// <summary>How many times a rate-limited (429, waiting X-RateLimit-Reset), 5xx or failed-connection request is retried (default 3; 0 disables).</summary>
        public int? MaxRetries { get; set; }

        /// <summary>Total time all retries of one call may take (default 60 s).</summary>
        public TimeSpan? RetryBudget { get; set; }

        /// <summary>
        /// Also retry <see cref="MimecastClient.Request(string, string?, System.Threading.CancellationToken)"/> after failures that may have reached the server
        /// (HTTP 5xx, a connection broken while waiting for the answer). Off by default: the endpoint may change something,
        /// and the retry could do it twice. Reads (GetAccount, pages) and 429s are always retried.
        /// </summary>
        public bool RetryAfterSend { get; set; }

        /// <summary>
        /// Proxy URL <c>http://host:port</c> (HTTP CONNECT). Null (default) = from HTTPS_PROXY / ALL_PROXY honouring NO_PROXY;
        /// empty string = never use a proxy.
        /// </summary>
        public string? Proxy { get; set; }

        /// <summary>The largest response body accepted, in bytes (default 64 MiB). Must be positive.</summary>
        public long? MaxResponseBytes { get; set; }

        /// <summary>
        /// Receives the library's log messages (secrets redacted) up to <see cref="LogLevel"/>. Called on the thread making
        /// the request; exceptions it throws are swallowed. Null (default) = no logging.
        /// </summary>
        public Action<MimecastLogLevel, string>? Logger { get; set; }

        /// <summary>
        /// The host that answers region discovery (<see cref="MimecastClient.DiscoverBaseUrl"/>,
        /// <see cref="MimecastClient.FromEmailAddress"/>): null (default) for Mimecast's global <c>https://api.mimecast.com</c>,
        /// or an <c>https://host[:port]</c> URL (http:// only to loopback, as for base URLs).
        /// </summary>
        public string? DiscoveryUrl { get; set; }

        /// <summary>The most detailed level delivered to <see cref="Logger"/> (default <see cref="MimecastLogLevel.Info"/>).</summary>
        public MimecastLogLevel LogLevel { get; set; } = MimecastLogLevel.Info;
    }
}
