using System;
using System.Text.Json;
using Mimecast.Native;

namespace Mimecast
{
    /// <summary>A successful Mimecast response envelope (<c>meta</c>, <c>data</c>; <c>fail</c> was empty).</summary>
    public sealed class MimecastResponse
    {
        private MimecastResponse(string rawJson, JsonElement root, string? nextPageToken, int retryCount)
        {
            RawJson = rawJson;
            NextPageToken = nextPageToken;
            RetryCount = retryCount;
            Root = root;
            Data = root.TryGetProperty("data", out var d) ? d : default;
            Meta = root.TryGetProperty("meta", out var m) ? m : default;
        }

        /// <summary>The whole response body as received (for PowerShell: <c>ConvertFrom-Json</c> it).</summary>
        public string RawJson { get; }

        /// <summary>The parsed envelope.</summary>
        public JsonElement Root { get; }

        /// <summary>The envelope's <c>data</c> array (<see cref="JsonValueKind.Undefined"/> if absent).</summary>
        public JsonElement Data { get; }

        /// <summary>The envelope's <c>meta</c> object (<see cref="JsonValueKind.Undefined"/> if absent).</summary>
        public JsonElement Meta { get; }

        /// <summary>For a page from <see cref="MimecastClient.RequestPage(string, string?, int, string?, System.Threading.CancellationToken)"/>: the token of the next page, or null on the last page.</summary>
        public string? NextPageToken { get; }

        /// <summary>How many retries the call needed (0 if none, or if the native library does not report it).</summary>
        public int RetryCount { get; }

        /// <summary>
        /// How response bodies are read: as deep as libmimecast reads them, MC_MAX_JSON_DEPTH of the header (the core refuses a
        /// deeper body before the binding sees it). System.Text.Json's own default (64) would refuse bodies the core and
        /// the other bindings accept (tests/shared/json-depth.json checks both).
        /// </summary>
        internal static readonly JsonDocumentOptions JsonOptions = new JsonDocumentOptions { MaxDepth = NativeMethods.McMaxJsonDepth };

        /// <summary>Parses a response body.</summary>
        /// <param name="rawJson">The body.</param>
        /// <param name="nextPageToken">The next page token, if any.</param>
        /// <param name="retryCount">How many retries the call needed.</param>
        /// <exception cref="MimecastResponseException">The body is not a JSON object.</exception>
        public static MimecastResponse Parse(string rawJson, string? nextPageToken = null, int retryCount = 0)
        {
            if (rawJson == null) throw new ArgumentNullException(nameof(rawJson));
            try
            {
                using var doc = JsonDocument.Parse(rawJson, JsonOptions);
                if (doc.RootElement.ValueKind != JsonValueKind.Object)
                    throw new MimecastMalformedResponseException("The response is not a JSON object.");
                return new MimecastResponse(rawJson, doc.RootElement.Clone(), nextPageToken, retryCount);
            }
            catch (JsonException e)
            {
                throw new MimecastMalformedResponseException("The response is not valid JSON: " + e.Message);
            }
        }

        /// <summary>The raw JSON.</summary>
        public override string ToString() => RawJson;
    }
}
