using System;
using System.Collections;
using System.Collections.Generic;
using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;

namespace Mimecast
{
    /// <summary>
    /// The answer to <see cref="MimecastClient.Send"/>, read whole: status, headers and body. Immutable.
    /// </summary>
    public sealed class MimecastHttpResponse
    {
        private readonly byte[] _body;
        private string? _text;

        internal MimecastHttpResponse(int status, MimecastResponseHeaders headers, byte[] body, int retryCount)
        {
            StatusCode = (HttpStatusCode)status;
            Headers = headers;
            _body = body;
            RetryCount = retryCount;
        }

        /// <summary>The HTTP status (any status with <see cref="MimecastResponseMode.Raw"/>).</summary>
        public HttpStatusCode StatusCode { get; }

        /// <summary>True for a 2xx status.</summary>
        public bool IsSuccessStatusCode => (int)StatusCode >= 200 && (int)StatusCode <= 299;

        /// <summary>The response headers: names in any case, in the order received.</summary>
        public MimecastResponseHeaders Headers { get; }

        /// <summary>The body exactly as received (a zip, a CSV or STIX feed, JSON...).</summary>
        public ReadOnlyMemory<byte> Body => _body;

        /// <summary>The number of bytes in <see cref="Body"/>.</summary>
        public int Length => _body.Length;

        /// <summary>The Content-Type header, or null.</summary>
        public string? ContentType => Headers["Content-Type"];

        /// <summary>How many times the request was retried before this answer.</summary>
        public int RetryCount { get; }

        /// <summary>The body as text: in the Content-Type's charset when .NET knows it, else UTF-8 (invalid bytes replaced).</summary>
        public string Text => _text ??= Decode();

        /// <summary>The body parsed as JSON.</summary>
        /// <returns>The root element (a copy that outlives the parse).</returns>
        /// <exception cref="MimecastMalformedResponseException">The body is not JSON.</exception>
        public JsonElement GetJson()
        {
            try
            {
                using var doc = JsonDocument.Parse(_body, MimecastResponse.JsonOptions);
                return doc.RootElement.Clone();
            }
            catch (JsonException e)
            {
                throw Malformed(e);
            }
        }

        /// <summary>The body deserialized as <typeparamref name="T"/> with System.Text.Json.</summary>
        /// <typeparam name="T">The type to read.</typeparam>
        /// <param name="options">Serializer options, or null for the defaults.</param>
        /// <returns>The value.</returns>
        /// <exception cref="MimecastMalformedResponseException">The body is not JSON of that shape.</exception>
        public T? GetJson<T>(JsonSerializerOptions? options = null)
        {
            try
            {
                return JsonSerializer.Deserialize<T>(_body, options);
            }
            catch (JsonException e)
            {
                throw Malformed(e);
            }
        }

        /// <summary>The status, type and size; never the body.</summary>
        public override string ToString() =>
            "HTTP " + ((int)StatusCode).ToString(CultureInfo.InvariantCulture) + " (" + (ContentType ?? "no content type") + ", "
            + _body.Length.ToString(CultureInfo.InvariantCulture) + " bytes)";

        private MimecastException Malformed(JsonException e) =>
            new MimecastMalformedResponseException("The response body is not JSON (Content-Type " + (ContentType ?? "none") + ", "
                + _body.Length.ToString(CultureInfo.InvariantCulture) + " bytes): " + e.Message, (int)StatusCode);

        private string Decode()
        {
            var encoding = (Encoding)new UTF8Encoding(false, false);
            var type = ContentType;
            if (type != null)
            {
                foreach (var part in type.Split(';'))
                {
                    var kv = part.Split(new[] { '=' }, 2);
                    if (kv.Length == 2 && kv[0].Trim().Equals("charset", StringComparison.OrdinalIgnoreCase))
                    {
                        try { encoding = Encoding.GetEncoding(kv[1].Trim().Trim('"')); }
                        catch (ArgumentException) { }
                    }
                }
            }
            return encoding.GetString(_body);
        }
    }

    /// <summary>
    /// Response headers: every name/value pair in the order received, looked up by name in any case. Like .NET's
    /// <c>WebHeaderCollection</c>, the indexer gives null for a header that is absent (so PowerShell's
    /// <c>$response.Headers['mc-siem-token']</c> is <c>$null</c> on the last file, rather than an error).
    /// </summary>
    public sealed class MimecastResponseHeaders : IReadOnlyCollection<KeyValuePair<string, string>>
    {
        private readonly KeyValuePair<string, string>[] _pairs;

        internal MimecastResponseHeaders(KeyValuePair<string, string>[] pairs)
        {
            _pairs = pairs;
        }

        /// <summary>The first value of header <paramref name="name"/> (any case), or null when there is none.</summary>
        /// <param name="name">The header name.</param>
        public string? this[string name]
        {
            get
            {
                foreach (var p in _pairs)
                    if (string.Equals(p.Key, name, StringComparison.OrdinalIgnoreCase)) return p.Value;
                return null;
            }
        }

        /// <summary>The number of name/value pairs (a repeated header counts once per value).</summary>
        public int Count => _pairs.Length;

        /// <summary>The distinct names, in lower case, in the order first received.</summary>
        public IReadOnlyList<string> Names
        {
            get
            {
                var names = new List<string>();
                foreach (var p in _pairs)
                    if (!names.Contains(p.Key)) names.Add(p.Key);
                return names;
            }
        }

        /// <summary>Whether header <paramref name="name"/> (any case) is present.</summary>
        /// <param name="name">The header name.</param>
        /// <returns>True when present.</returns>
        public bool Contains(string name) => this[name] != null;

        /// <summary>The first value of header <paramref name="name"/> (any case).</summary>
        /// <param name="name">The header name.</param>
        /// <param name="value">Its first value, or null.</param>
        /// <returns>True when present.</returns>
        public bool TryGetValue(string name, out string? value)
        {
            value = this[name];
            return value != null;
        }

        /// <summary>Every value of header <paramref name="name"/> (any case), in order; empty when absent.</summary>
        /// <param name="name">The header name.</param>
        /// <returns>The values.</returns>
        public IReadOnlyList<string> GetValues(string name)
        {
            var values = new List<string>();
            foreach (var p in _pairs)
                if (string.Equals(p.Key, name, StringComparison.OrdinalIgnoreCase)) values.Add(p.Value);
            return values;
        }

        /// <summary>Every name/value pair (names in lower case), in the order received.</summary>
        /// <returns>The enumerator.</returns>
        public IEnumerator<KeyValuePair<string, string>> GetEnumerator() => ((IEnumerable<KeyValuePair<string, string>>)_pairs).GetEnumerator();

        IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

        /// <summary>The headers, one <c>name: value</c> line each.</summary>
        public override string ToString()
        {
            var sb = new StringBuilder();
            foreach (var p in _pairs) sb.Append(p.Key).Append(": ").Append(p.Value).Append('\n');
            return sb.ToString();
        }
    }
}
