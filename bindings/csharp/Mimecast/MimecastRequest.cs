using System;
using System.Collections.Generic;
using System.Net.Http;
using System.Text.Json;
using Mimecast.Native;

namespace Mimecast
{
    /// <summary>
    /// Any request to the Mimecast API, for <see cref="MimecastClient.Send"/>, <see cref="MimecastClient.Items(MimecastRequest, int, string?, System.Threading.CancellationToken)"/>
    /// and <see cref="MimecastClient.Pages"/>: a method, a path, query parameters, headers and a body.
    /// </summary>
    /// <remarks>
    /// Immutable: each <c>With*</c> method returns a new request, so one request may be shared between threads and sent
    /// many times. Every value is checked by the native library when it is added (the same rules in every language):
    /// a method other than GET, POST, PUT, PATCH or DELETE, a path with a query string or dot segments, a header the
    /// library sets itself (Authorization, Host, Content-Type, every x-mc-* header...), an unusable query name or a
    /// body that is not JSON where JSON is given throws <see cref="MimecastInvalidArgumentException"/> there, long before
    /// anything could be sent.
    /// <code>
    /// var request = new MimecastRequest(HttpMethod.Get, "/siem/v1/events/cg")
    ///     .WithQuery("types", "receipt")
    ///     .WithQuery("dateRangeStartsAt", "2026-11-30T00:00:00.000Z");
    /// </code>
    /// </remarks>
    public sealed class MimecastRequest
    {
        private static readonly KeyValuePair<string, string>[] None = new KeyValuePair<string, string>[0];

        private readonly KeyValuePair<string, string>[] _query;
        private readonly KeyValuePair<string, string>[] _headers;
        private readonly byte[]? _body;
        private readonly bool _bodyIsJson;

        /// <summary>Starts a request.</summary>
        /// <param name="method">GET, POST, PUT, PATCH or DELETE (on netstandard2.0: <c>new HttpMethod("PATCH")</c>).</param>
        /// <param name="path">The path only, e.g. <c>/api/v2/echo</c>: no query string (use <see cref="WithQuery(string, string)"/>), never a full URL.</param>
        /// <exception cref="ArgumentNullException">An argument is null.</exception>
        /// <exception cref="MimecastInvalidArgumentException">The library refuses the method or the path.</exception>
        public MimecastRequest(HttpMethod method, string path)
            : this((method ?? throw new ArgumentNullException(nameof(method))).Method, path)
        {
        }

        /// <summary>Starts a request.</summary>
        /// <param name="method">GET, POST, PUT, PATCH or DELETE, in any case.</param>
        /// <param name="path">The path only, e.g. <c>/api/v2/echo</c>: no query string, never a full URL.</param>
        /// <exception cref="ArgumentNullException">An argument is null.</exception>
        /// <exception cref="MimecastInvalidArgumentException">The library refuses the method or the path.</exception>
        public MimecastRequest(string method, string path)
        {
            if (method == null) throw new ArgumentNullException(nameof(method));
            if (path == null) throw new ArgumentNullException(nameof(path));
            using (NewCall(method, path)) { }
            Method = method.Trim().ToUpperInvariant();
            Path = path;
            _query = None;
            _headers = None;
            ResponseMode = MimecastResponseMode.Json;
        }

        private MimecastRequest(MimecastRequest from, KeyValuePair<string, string>[]? query = null,
            KeyValuePair<string, string>[]? headers = null, byte[]? body = null, string? contentType = null, bool? bodyIsJson = null,
            MimecastResponseMode? mode = null)
        {
            Method = from.Method;
            Path = from.Path;
            _query = query ?? from._query;
            _headers = headers ?? from._headers;
            _body = body ?? from._body;
            ContentType = body != null ? contentType : from.ContentType;
            _bodyIsJson = bodyIsJson ?? from._bodyIsJson;
            ResponseMode = mode ?? from.ResponseMode;
        }

        /// <summary>The method, in upper case.</summary>
        public string Method { get; }

        /// <summary>The path.</summary>
        public string Path { get; }

        /// <summary>The query parameters, in order (the library encodes them).</summary>
        public IReadOnlyList<KeyValuePair<string, string>> Query => _query;

        /// <summary>The extra request headers, in order.</summary>
        public IReadOnlyList<KeyValuePair<string, string>> Headers => _headers;

        /// <summary>The body's Content-Type, or null when there is no body.</summary>
        public string? ContentType { get; }

        /// <summary>The body (empty when there is none).</summary>
        public ReadOnlyMemory<byte> Body => _body ?? Array.Empty<byte>();

        /// <summary>How the answer is read (default <see cref="MimecastResponseMode.Json"/>).</summary>
        public MimecastResponseMode ResponseMode { get; }

        /// <summary>Adds a query parameter (a name may repeat).</summary>
        /// <param name="name">The name: not empty, no control characters.</param>
        /// <param name="value">The value: any text.</param>
        /// <returns>A new request with the parameter added.</returns>
        /// <exception cref="MimecastInvalidArgumentException">The library refuses the name.</exception>
        public MimecastRequest WithQuery(string name, string value)
        {
            if (name == null) throw new ArgumentNullException(nameof(name));
            if (value == null) throw new ArgumentNullException(nameof(value));
            using (var c = NewCall("GET", "/"))
                NativeMethods.Check(NativeMethods.mc_call_add_query(c, Utf8.ToNative(name, nameof(name)), Utf8.ToNative(value, nameof(value))));
            return new MimecastRequest(this, query: Append(_query, name, value));
        }

        /// <summary>Adds query parameters, in order.</summary>
        /// <param name="parameters">Name/value pairs (a dictionary, or a list where a name may repeat).</param>
        /// <returns>A new request with the parameters added.</returns>
        public MimecastRequest WithQuery(IEnumerable<KeyValuePair<string, string>> parameters)
        {
            if (parameters == null) throw new ArgumentNullException(nameof(parameters));
            var r = this;
            foreach (var p in parameters) r = r.WithQuery(p.Key, p.Value);
            return r;
        }

        /// <summary>Adds a request header.</summary>
        /// <param name="name">An HTTP header name the library does not set itself.</param>
        /// <param name="value">Printable ASCII.</param>
        /// <returns>A new request with the header added.</returns>
        /// <exception cref="MimecastInvalidArgumentException">A header the library owns (Authorization, Host, Content-Type, x-mc-*...), or a malformed name or value.</exception>
        public MimecastRequest WithHeader(string name, string value)
        {
            if (name == null) throw new ArgumentNullException(nameof(name));
            if (value == null) throw new ArgumentNullException(nameof(value));
            using (var c = NewCall("GET", "/"))
                NativeMethods.Check(NativeMethods.mc_call_add_header(c, Utf8.ToNative(name, nameof(name)), Utf8.ToNative(value, nameof(value))));
            return new MimecastRequest(this, headers: Append(_headers, name, value));
        }

        /// <summary>Sets a JSON body, sent exactly as written (<c>Content-Type: application/json</c>).</summary>
        /// <param name="json">One JSON value.</param>
        /// <returns>A new request with the body.</returns>
        /// <exception cref="MimecastInvalidArgumentException">The text is not one JSON value, or nests too deep.</exception>
        public MimecastRequest WithJson(string json)
        {
            var text = Utf8.ToNative(json ?? throw new ArgumentNullException(nameof(json)), nameof(json))!;
            using (var c = NewCall("POST", "/"))
                NativeMethods.Check(NativeMethods.mc_call_set_json(c, text));
            var bytes = new byte[text.Length - 1]; // without the NUL
            Array.Copy(text, bytes, bytes.Length);
            return new MimecastRequest(this, body: bytes, contentType: "application/json", bodyIsJson: true);
        }

        /// <summary>Sets a JSON body serialized from <paramref name="value"/> with System.Text.Json.</summary>
        /// <typeparam name="T">The value's type.</typeparam>
        /// <param name="value">The value, e.g. <c>new { data = new[] { new { type = "MTA" } } }</c>.</param>
        /// <param name="options">Serializer options, or null for the defaults.</param>
        /// <returns>A new request with the body.</returns>
        public MimecastRequest WithJson<T>(T value, JsonSerializerOptions? options = null) =>
            WithJson(JsonSerializer.Serialize(value, options));

        /// <summary>Sets a body of any type, sent byte for byte.</summary>
        /// <param name="body">The bytes (copied).</param>
        /// <param name="contentType">Its Content-Type, e.g. <c>application/octet-stream</c>.</param>
        /// <returns>A new request with the body.</returns>
        /// <exception cref="MimecastInvalidArgumentException">The content type is not printable ASCII, or the body is larger than 32 MiB.</exception>
        public MimecastRequest WithBody(ReadOnlyMemory<byte> body, string contentType)
        {
            if (contentType == null) throw new ArgumentNullException(nameof(contentType));
            var bytes = body.ToArray();
            using (var c = NewCall("POST", "/"))
                NativeMethods.Check(NativeMethods.mc_call_set_body(c, Utf8.ToNative(contentType, nameof(contentType)), bytes, (UIntPtr)bytes.Length));
            return new MimecastRequest(this, body: bytes, contentType: contentType, bodyIsJson: false);
        }

        /// <summary>Sets how the answer is read.</summary>
        /// <param name="mode"><see cref="MimecastResponseMode.Json"/> (default): a Mimecast JSON answer, its failures thrown;
        /// <see cref="MimecastResponseMode.Any"/>: other 2xx bodies (a zip, a CSV or STIX feed) returned as they are;
        /// <see cref="MimecastResponseMode.Raw"/>: any answer returned, whatever its status.</param>
        /// <returns>A new request with the mode.</returns>
        public MimecastRequest WithResponseMode(MimecastResponseMode mode)
        {
            if (mode < MimecastResponseMode.Json || mode > MimecastResponseMode.Raw)
                throw new ArgumentOutOfRangeException(nameof(mode), mode, "Json, Any or Raw.");
            return new MimecastRequest(this, mode: mode);
        }

        /// <summary>The method and path, without values (they may be secret).</summary>
        public override string ToString() => Method + " " + Path;

        /// <summary>The native request, for one send or pull. The caller disposes it.</summary>
        internal CallHandle ToNative()
        {
            var call = NewCall(Method, Path);
            try
            {
                foreach (var p in _query)
                    NativeMethods.Check(NativeMethods.mc_call_add_query(call, Utf8.ToNative(p.Key, "name"), Utf8.ToNative(p.Value, "value")));
                foreach (var h in _headers)
                    NativeMethods.Check(NativeMethods.mc_call_add_header(call, Utf8.ToNative(h.Key, "name"), Utf8.ToNative(h.Value, "value")));
                if (_body != null && _bodyIsJson)
                {
                    var text = new byte[_body.Length + 1]; // NUL-terminated
                    _body.CopyTo(text, 0);
                    NativeMethods.Check(NativeMethods.mc_call_set_json(call, text));
                }
                else if (_body != null)
                    NativeMethods.Check(NativeMethods.mc_call_set_body(call, Utf8.ToNative(ContentType, "contentType"), _body, (UIntPtr)_body.Length));
                NativeMethods.Check(NativeMethods.mc_call_set_response_mode(call, (uint)ResponseMode));
                return call;
            }
            catch
            {
                call.Dispose();
                throw;
            }
        }

        private static CallHandle NewCall(string method, string path)
        {
            NativeLibraryLoader.EnsureLoaded();
            var status = NativeMethods.mc_call_new(Utf8.ToNative(method, nameof(method)), Utf8.ToNative(path, nameof(path)), out CallHandle call);
            if (status != MimecastStatus.Ok)
            {
                var e = MimecastException.FromLastError(status);
                call.Dispose();
                throw e;
            }
            return call;
        }

        private static KeyValuePair<string, string>[] Append(KeyValuePair<string, string>[] list, string name, string value)
        {
            var next = new KeyValuePair<string, string>[list.Length + 1];
            list.CopyTo(next, 0);
            next[list.Length] = new KeyValuePair<string, string>(name, value);
            return next;
        }
    }
}
