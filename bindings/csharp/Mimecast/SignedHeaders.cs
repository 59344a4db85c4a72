using System.Collections.Generic;

namespace Mimecast
{
    /// <summary>
    /// The headers that authenticate an API 1.0 request, from <see cref="MimecastClient.Sign"/>. Send them with
    /// <c>Content-Type: application/json</c> and <c>Accept: application/json</c> (both included by <see cref="ToDictionary"/>).
    /// </summary>
    public sealed class SignedHeaders
    {
        internal SignedHeaders(string authorization, string date, string requestId, string appId)
        {
            Authorization = authorization;
            Date = date;
            RequestId = requestId;
            AppId = appId;
        }

        /// <summary>Value of the <c>Authorization</c> header, <c>MC &lt;access key&gt;:&lt;signature&gt;</c>. Contains the access key: do not log it.</summary>
        public string Authorization { get; }
        /// <summary>Value of the <c>x-mc-date</c> header, e.g. <c>Tue, 24 Nov 2015 12:50:11 UTC</c>.</summary>
        public string Date { get; }
        /// <summary>Value of the <c>x-mc-req-id</c> header (the request id that was signed).</summary>
        public string RequestId { get; }
        /// <summary>Value of the <c>x-mc-app-id</c> header (the application id).</summary>
        public string AppId { get; }

        /// <summary>All six request headers by name: Authorization, x-mc-date, x-mc-req-id, x-mc-app-id, Content-Type, Accept.</summary>
        public Dictionary<string, string> ToDictionary() => new Dictionary<string, string>
        {
            ["Authorization"] = Authorization,
            ["x-mc-date"] = Date,
            ["x-mc-req-id"] = RequestId,
            ["x-mc-app-id"] = AppId,
            ["Content-Type"] = "application/json",
            ["Accept"] = "application/json",
        };

        /// <summary>The headers with the Authorization value redacted.</summary>
        public override string ToString() =>
            $"Authorization: <redacted>; x-mc-date: {Date}; x-mc-req-id: {RequestId}; x-mc-app-id: {AppId}";
    }
}
