using System;
using System.Collections;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Management.Automation;
using System.Text;
using System.Text.Json;

namespace Mimecast.Commands
{
    /// <summary>
    /// Invoke-MimecastApi: sends any request (by default a POST of {"data": [...]}) and writes the items of the answer: the
    /// data array of an API 1.0 envelope, the value array of an API 2.0 page, or the answer itself. Objects piped in are
    /// the data of one request each (Import-Csv rows for bulk changes); objects that bring their own Path (when -Path is
    /// not on the command line) describe a whole request: Path, and Data if they have that property. -Method, -Query,
    /// -Headers and -Body/-ContentType build any request; -OutFile, -Raw and -ResponseMode return the HTTP answer
    /// (status, headers, body) instead of items; -All streams the items of every page.
    /// </summary>
    /// <remarks>
    /// ConfirmImpact is Medium: an endpoint may change data (add a group member, release a message), so -WhatIf and
    /// -Confirm apply, but most calls only read, so PowerShell's default $ConfirmPreference (High) does not prompt;
    /// $ConfirmPreference = 'Medium' makes every call ask. A GET changes nothing: it never asks and -WhatIf does not
    /// hold it back.
    /// </remarks>
    [Cmdlet(VerbsLifecycle.Invoke, "MimecastApi", DefaultParameterSetName = DataSet, SupportsShouldProcess = true,
        ConfirmImpact = ConfirmImpact.Medium)]
    [OutputType(JsonItems.ItemTypeName)]
    [OutputType(typeof(MimecastHttpResponse))]
    public sealed class InvokeMimecastApiCommand : MimecastCmdlet
    {
        private const string DataSet = "Data";
        private const string BodySet = "Body";

        private bool _pathOnCommandLine;
        private bool _dataOnCommandLine;

        /// <summary>The request path.</summary>
        [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
        [ValidateNotNullOrEmpty]
        [ArgumentCompleter(typeof(ApiPathCompleter))]
        public string Path { get; set; } = null!;

        /// <summary>The request's data: one object or several; from the pipeline, one request per object.</summary>
        [Parameter(ParameterSetName = DataSet, Position = 1, ValueFromPipeline = true)]
        [AllowNull]
        public object? Data { get; set; }

        /// <summary>The whole body: JSON text, other text, or bytes (with -ContentType).</summary>
        [Parameter(Mandatory = true, ParameterSetName = BodySet)]
        [ValidateNotNullOrEmpty]
        public object Body { get; set; } = null!;

        /// <summary>The Content-Type of -Body.</summary>
        [Parameter(ParameterSetName = BodySet)]
        [ValidateNotNullOrEmpty]
        public string ContentType { get; set; } = null!;

        /// <summary>The HTTP method.</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        [ArgumentCompleter(typeof(MethodCompleter))]
        public string Method { get; set; } = "POST";

        /// <summary>Query parameters.</summary>
        [Parameter]
        [ValidateNotNull]
        public IDictionary Query { get; set; } = null!;

        /// <summary>Extra request headers.</summary>
        [Parameter]
        [ValidateNotNull]
        public IDictionary Headers { get; set; } = null!;

        /// <summary>Write the answer's body to this file.</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string OutFile { get; set; } = null!;

        /// <summary>Return the answer whatever its status and body.</summary>
        [Parameter]
        public SwitchParameter Raw { get; set; }

        /// <summary>How the answer is read.</summary>
        [Parameter]
        public MimecastResponseMode ResponseMode { get; set; }

        /// <summary>With -All: the member of each data item that holds the list.</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string ItemsKey { get; set; } = null!;

        /// <summary>Fetch and stream every page.</summary>
        [Parameter]
        public SwitchParameter All { get; set; }

        /// <summary>Items per page.</summary>
        [Parameter]
        [ValidateRange(1, 500)]
        public int PageSize { get; set; }

        /// <summary>The client to use instead of the connection.</summary>
        [Parameter]
        [ValidateNotNull]
        public MimecastClient Client { get; set; } = null!;

        /// <inheritdoc />
        protected override void BeginProcessing()
        {
            // Only what the command line bound is known here; pipeline input is bound before each ProcessRecord.
            _pathOnCommandLine = MyInvocation.BoundParameters.ContainsKey(nameof(Path));
            _dataOnCommandLine = MyInvocation.BoundParameters.ContainsKey(nameof(Data));
        }

        private bool Bound(string name) => MyInvocation.BoundParameters.ContainsKey(name);

        /// <summary>
        /// True when the request is the classic one: a POST of JSON text or -Data, with no query, no headers and items as
        /// the answer. It keeps going through the library's envelope calls, as it always has.
        /// </summary>
        private bool Classic =>
            string.Equals(Method.Trim(), "POST", StringComparison.OrdinalIgnoreCase)
            && !Bound(nameof(Query)) && !Bound(nameof(Headers)) && !Bound(nameof(ContentType)) && !Bound(nameof(OutFile))
            && !Raw && !Bound(nameof(ResponseMode)) && (ParameterSetName != BodySet || Unwrap(Body) is string);

        /// <inheritdoc />
        protected override void ProcessRecord()
        {
            var client = ResolveClient(Client, Path);
            string? json;
            string shown;
            MimecastRequest? request = null;
            var method = Method.Trim().ToUpperInvariant();
            try
            {
                (json, shown) = RequestBody();
                if (!Classic) request = BuildRequest(json);
                if (All && (Raw || Bound(nameof(OutFile)) || Bound(nameof(ResponseMode))))
                    throw new ArgumentException("-All streams items: it cannot be combined with -Raw, -ResponseMode or -OutFile.");
                if (!All && Bound(nameof(ItemsKey)))
                    throw new ArgumentException("-ItemsKey applies to -All.");
            }
            catch (Exception e) when (IsFailure(e))
            {
                WriteFailure(e, Path);
                return;
            }
            // A GET changes nothing: it is sent without asking, even under -WhatIf or -Confirm.
            if (method != "GET" && !ShouldProcess(Path, method + " with " + shown)) return;

            int pageSize = Bound(nameof(PageSize)) ? PageSize : 0;
            if (request == null)
            {
                if (All) WriteAllItems(client, null, json, shown, pageSize);
                else WriteOneResponse(client, json, shown, pageSize);
            }
            else if (All) WriteAllItems(client, request, json, shown, pageSize);
            else if (Bound(nameof(PageSize)))
                WriteFailure(new ArgumentException("-PageSize applies to -All here; for one page give the page size in -Query or the body."), Path);
            else SendOne(client, request, shown);
        }

        private static object? Unwrap(object? value) => value is PSObject pso ? pso.BaseObject : value;

        /// <summary>The request of the general path: method, path, query, headers, body and response mode.</summary>
        private MimecastRequest BuildRequest(string? json)
        {
            var request = new MimecastRequest(Method, Path);
            if (Bound(nameof(Query)))
                foreach (DictionaryEntry entry in Query)
                {
                    var name = Convert.ToString(Unwrap(entry.Key), CultureInfo.InvariantCulture) ?? "";
                    var value = Unwrap(entry.Value);
                    if (value is IEnumerable list && !(value is string))
                        foreach (var v in list) request = request.WithQuery(name, QueryText(v));
                    else if (value != null)
                        request = request.WithQuery(name, QueryText(value));
                }
            if (Bound(nameof(Headers)))
                foreach (DictionaryEntry entry in Headers)
                    request = request.WithHeader(Convert.ToString(Unwrap(entry.Key), CultureInfo.InvariantCulture) ?? "",
                        Convert.ToString(Unwrap(entry.Value), CultureInfo.InvariantCulture) ?? "");
            if (ParameterSetName == BodySet)
            {
                var body = Unwrap(Body);
                bool json_type = !Bound(nameof(ContentType))
                                 || ContentType.Trim().Equals("application/json", StringComparison.OrdinalIgnoreCase);
                if (body is byte[] bytes) request = request.WithBody(bytes, Bound(nameof(ContentType)) ? ContentType : "application/octet-stream");
                else if (body is string text && json_type) request = request.WithJson(text);
                else if (body is string other) request = request.WithBody(Encoding.UTF8.GetBytes(other), ContentType);
                else throw new ArgumentException("-Body must be text (a string) or bytes (a byte[]); convert objects with -Data or ConvertTo-Json.");
            }
            else if (json != null)
                request = request.WithJson(json);
            else if (string.Equals(Method.Trim(), "POST", StringComparison.OrdinalIgnoreCase))
                request = request.WithJson("{\"data\":[]}"); // as the classic call sends
            var mode = Raw ? MimecastResponseMode.Raw
                : Bound(nameof(ResponseMode)) ? ResponseMode
                : Bound(nameof(OutFile)) ? MimecastResponseMode.Any
                : MimecastResponseMode.Json;
            return request.WithResponseMode(mode);
        }

        /// <summary>A query value as text: flags as true/false, dates as ISO 8601 in UTC (as API 2.0 takes them).</summary>
        private static string QueryText(object? value)
        {
            switch (Unwrap(value))
            {
                case null: return "";
                case bool b: return b ? "true" : "false";
                case DateTime dt: return dt.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);
                case DateTimeOffset dto: return dto.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);
                case IFormattable f: return f.ToString(null, CultureInfo.InvariantCulture);
                case var other: return other.ToString() ?? "";
            }
        }

        /// <summary>The JSON body (null for {"data":[]}) and how to describe it without showing any value.</summary>
        private (string? Json, string Shown) RequestBody()
        {
            if (ParameterSetName == BodySet)
            {
                var body = Unwrap(Body);
                if (body is string text)
                    return (Bound(nameof(ContentType)) ? null : text, "a body of " + text.Length.ToString(CultureInfo.InvariantCulture) + " characters");
                if (body is byte[] bytes)
                    return (null, "a body of " + bytes.Length.ToString(CultureInfo.InvariantCulture) + " bytes");
                return (null, "a body");
            }
            if (!MyInvocation.BoundParameters.ContainsKey(nameof(Data))) return (null, "no data");

            object? data = Data;
            if (!_dataOnCommandLine && !_pathOnCommandLine)
            {
                // The piped object brought the path: it describes the request, and its Data property (if any) is the data.
                var property = PSObject.AsPSObject(Data ?? new object()).Properties[nameof(Data)];
                if (property == null) return (null, "no data");
                data = property.Value;
            }
            var entries = JsonBody.Entries(data);
            return (JsonBody.Build(entries), Describe(entries));
        }

        private static string Describe(IList entries)
        {
            switch (entries.Count)
            {
                case 0: return "an empty data array";
                case 1: return "1 data item (" + JsonBody.DescribeKeys(entries[0]) + ")";
                default: return entries.Count.ToString(CultureInfo.InvariantCulture) + " data items";
            }
        }

        private void WriteOneResponse(MimecastClient client, string? json, string shown, int pageSize)
        {
            WriteVerbose($"POST {Path} ({shown})");
            MimecastResponse response;
            try
            {
                response = pageSize > 0
                    ? Call(client, () => client.RequestPage(Path, json, pageSize, cancellationToken: Cancellation))
                    : Call(client, () => client.Request(Path, json, cancellationToken: Cancellation));
            }
            catch (Exception e) when (IsFailure(e))
            {
                WriteFailure(e, Path);
                return;
            }
            if (pageSize > 0 && response.NextPageToken != null)
                WriteVerbose("More pages are available: use -All to fetch them.");
            if (response.RetryCount > 0)
                WriteVerbose($"The request needed {response.RetryCount} retry(ies).");
            WriteItems(response.Data);
        }

        private void SendOne(MimecastClient client, MimecastRequest request, string shown)
        {
            WriteVerbose($"{request.Method} {Path} ({shown}; response mode {request.ResponseMode})");
            MimecastHttpResponse response;
            try
            {
                response = Call(client, () => client.Send(request, cancellationToken: Cancellation));
            }
            catch (Exception e) when (IsFailure(e))
            {
                WriteFailure(e, Path);
                return;
            }
            if (response.RetryCount > 0)
                WriteVerbose($"The request needed {response.RetryCount} retry(ies).");
            if (Bound(nameof(OutFile)))
            {
                var file = SessionState.Path.GetUnresolvedProviderPathFromPSPath(OutFile);
                try
                {
                    File.WriteAllBytes(file, response.Body.ToArray());
                }
                catch (Exception e) when (IsFailure(e))
                {
                    WriteFailure(e, file);
                    return;
                }
                WriteVerbose($"Wrote {response.Length} bytes ({response.ContentType}) to {file}.");
                var output = PSObject.AsPSObject(response);
                output.Properties.Add(new PSNoteProperty("OutFile", file));
                WriteObject(output);
                return;
            }
            if (request.ResponseMode != MimecastResponseMode.Json)
            {
                WriteObject(response);
                return;
            }
            JsonElement answer;
            try
            {
                answer = response.GetJson();
            }
            catch (Exception e) when (IsFailure(e))
            {
                WriteFailure(e, Path);
                return;
            }
            // An envelope's data, an API 2.0 page's value, or the answer itself.
            if (answer.ValueKind == JsonValueKind.Object && answer.TryGetProperty("data", out var data) && data.ValueKind == JsonValueKind.Array)
                WriteItems(data);
            else if (answer.ValueKind == JsonValueKind.Object && answer.TryGetProperty("value", out var value) && value.ValueKind == JsonValueKind.Array)
                WriteItems(value);
            else
                WriteObject(JsonItems.ToItem(answer));
        }

        private void WriteItems(JsonElement data)
        {
            if (data.ValueKind != JsonValueKind.Array) return;
            foreach (var item in data.EnumerateArray()) WriteObject(JsonItems.ToItem(item));
        }

        private void WriteAllItems(MimecastClient client, MimecastRequest? request, string? json, string shown, int pageSize)
        {
            var size = pageSize > 0 ? pageSize.ToString(CultureInfo.InvariantCulture) : "default";
            WriteVerbose($"{Method.Trim().ToUpperInvariant()} {Path} (all pages, page size {size}; {shown})");
            IEnumerator<JsonElement>? pages = null;
            int count = 0;
            var key = Bound(nameof(ItemsKey)) ? ItemsKey : null;
            try
            {
                // The log endpoints' wrapped lists (clickLogs...) are unwrapped; a GET pages as API 2.0.
                pages = Call(client, () => request == null
                    ? client.Items(Path, json, pageSize, key, cancellationToken: Cancellation)
                    : client.Items(request, pageSize, key, cancellationToken: Cancellation)).GetEnumerator();
                // Pages are fetched lazily by MoveNext: Select-Object -First stops the paging (WriteObject then throws
                // PipelineStoppedException, which is not caught here).
                while (Call(client, pages.MoveNext))
                {
                    count++;
                    WriteObject(JsonItems.ToItem(pages.Current));
                }
            }
            catch (Exception e) when (IsFailure(e))
            {
                WriteFailure(e, Path);
                return;
            }
            finally
            {
                pages?.Dispose();
            }
            WriteVerbose($"{count} item(s) in all pages of {Path}.");
        }
    }
}
