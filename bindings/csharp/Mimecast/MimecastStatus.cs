namespace Mimecast
{
    /// <summary>
    /// Outcome of a libmimecast call: the values of the C enum <c>mc_status</c>, stable and never reused.
    /// </summary>
    public enum MimecastStatus
    {
        /// <summary>Success.</summary>
        Ok = 0,
        /// <summary>A required argument was missing, empty, not valid UTF-8 or otherwise unusable.</summary>
        InvalidArgument = 1,
        /// <summary>The credentials are malformed (e.g. a secret key that is not base64). Nothing was sent.</summary>
        InvalidCredentials = 2,
        /// <summary>The base URL is not an http(s) URL, or the region name is unknown.</summary>
        InvalidUrl = 3,
        /// <summary>Plain http:// to a host that is not loopback without <see cref="MimecastClientOptions.AllowInsecureHttp"/>.</summary>
        InsecureUrl = 4,
        /// <summary>The connection failed or broke (DNS, refused, reset, closed early).</summary>
        Transport = 5,
        /// <summary>TLS failed, for example an untrusted certificate.</summary>
        Tls = 6,
        /// <summary>The connect timeout or the overall request timeout expired.</summary>
        Timeout = 7,
        /// <summary>HTTP 401 or 403: bad keys, bad signature, clock skew, or missing permission.</summary>
        Unauthorized = 8,
        /// <summary>HTTP 418: the access key / secret key binding expired. Create new keys.</summary>
        BindingExpired = 9,
        /// <summary>HTTP 429: quota exceeded.</summary>
        RateLimited = 10,
        /// <summary>Mimecast reported a failure in the <c>fail</c> array (also under HTTP 200).</summary>
        ApiFailure = 11,
        /// <summary>Any other unexpected HTTP status (404, 405, 5xx, a redirect...).</summary>
        HttpError = 12,
        /// <summary>The response is not the JSON envelope Mimecast sends.</summary>
        MalformedResponse = 13,
        /// <summary>The response body exceeded <see cref="MimecastClientOptions.MaxResponseBytes"/>.</summary>
        ResponseTooLarge = 14,
        /// <summary>A bug inside the native library. Please report it.</summary>
        Internal = 15,
        /// <summary>The operation does not apply to this client's kind of credentials (e.g. signing on an OAuth client).</summary>
        Unsupported = 16,
        /// <summary>A file (CA bundle, Postman export) could not be read or parsed.</summary>
        IO = 17,
    }

    /// <summary>Severity of a message delivered to <see cref="MimecastClientOptions.Logger"/>.</summary>
    public enum MimecastLogLevel
    {
        /// <summary>Errors.</summary>
        Error = 1,
        /// <summary>Warnings (e.g. a retry).</summary>
        Warn = 2,
        /// <summary>One line per request.</summary>
        Info = 3,
        /// <summary>Details.</summary>
        Debug = 4,
    }
}
