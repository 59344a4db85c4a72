using System;

namespace Mimecast
{
    /// <summary>
    /// A connection made by Connect-Mimecast: the client the other Mimecast commands use, and how it was made.
    /// Holds no secret in any property shown by default; the client wipes its keys when disposed (Disconnect-Mimecast).
    /// </summary>
    public sealed class Connection
    {
        internal Connection(string? api, string source, string? baseUrl, MimecastClient client)
        {
            Api = api;
            Source = source;
            BaseUrl = baseUrl;
            ConnectedAt = DateTime.Now;
            Client = client;
        }

        /// <summary>"1.0" (keys and signatures), "2.0" (OAuth), or null when the Postman file decides.</summary>
        public string? Api { get; }

        /// <summary>Where the credentials came from: Keys, Credential, Environment, Postman, OAuth, ClientCredential, or Discovery (API 1.0 keys, the base URL found from -EmailAddress).</summary>
        public string Source { get; }

        /// <summary>The base URL or region name as given (or as discovered), or null for the library's default.</summary>
        public string? BaseUrl { get; }

        /// <summary>When the connection was made (local time).</summary>
        public DateTime ConnectedAt { get; }

        /// <summary>The client; pass it to -Client of any Mimecast command.</summary>
        public MimecastClient Client { get; }

        /// <summary>A description without any secret.</summary>
        public override string ToString() =>
            "Mimecast connection (API " + (Api ?? "from file") + ", " + Source + (BaseUrl != null ? ", " + BaseUrl : "") + ")";
    }
}
