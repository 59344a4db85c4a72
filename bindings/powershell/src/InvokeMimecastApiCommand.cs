using System;
using System.Collections;
using System.Collections.Generic;
using System.Globalization;
using System.Management.Automation;
using System.Text.Json;

namespace Mimecast.Commands
{
    /// <summary>
    /// Invoke-MimecastApi: POSTs to any endpoint and writes the items of the response's data array. Objects piped in are
    /// the data of one request each (Import-Csv rows for bulk changes); objects that bring their own Path (when -Path is
    /// not on the command line) describe a whole request: Path, and Data if they have that property.
    /// </summary>
    /// <remarks>
    /// ConfirmImpact is Medium: an endpoint may change data (add a group member, release a message), so -WhatIf and
    /// -Confirm apply, but most calls only read, so PowerShell's default $ConfirmPreference (High) does not prompt;
    /// $ConfirmPreference = 'Medium' makes every call ask.
    /// </remarks>
    [Cmdlet(VerbsLifecycle.Invoke, "MimecastApi", DefaultParameterSetName = DataSet, SupportsShouldProcess = true,
        ConfirmImpact = ConfirmImpact.Medium)]
    [OutputType(JsonItems.ItemTypeName)]
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

        /// <summary>The whole JSON body as text.</summary>
        [Parameter(Mandatory = true, ParameterSetName = BodySet)]
        [ValidateNotNullOrEmpty]
        public string Body { get; set; } = null!;

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

        /// <inheritdoc />
        protected override void ProcessRecord()
        {
            var client = ResolveClient(Client, Path);
            string? json;
            string shown;
            try
            {
                (json, shown) = RequestBody();
            }
            catch (ArgumentException e)
            {
                WriteFailure(e, Path);
                return;
            }
            if (!ShouldProcess(Path, "POST with " + shown)) return;

            int pageSize = MyInvocation.BoundParameters.ContainsKey(nameof(PageSize)) ? PageSize : 0;
            if (All) WriteAllPages(client, json, shown, pageSize);
            else WriteOneResponse(client, json, shown, pageSize);
        }

        /// <summary>The JSON body (null for {"data":[]}) and how to describe it without showing any value.</summary>
        private (string? Json, string Shown) RequestBody()
        {
            if (ParameterSetName == BodySet)
                return (Body, "a body of " + Body.Length.ToString(CultureInfo.InvariantCulture) + " characters");
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
                    ? Call(client, () => client.RequestPage(Path, json, pageSize))
                    : Call(client, () => client.Request(Path, json));
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

        private void WriteItems(JsonElement data)
        {
            if (data.ValueKind != JsonValueKind.Array) return;
            foreach (var item in data.EnumerateArray()) WriteObject(JsonItems.ToItem(item));
        }

        private void WriteAllPages(MimecastClient client, string? json, string shown, int pageSize)
        {
            var size = pageSize > 0 ? pageSize.ToString(CultureInfo.InvariantCulture) : "default";
            WriteVerbose($"POST {Path} (all pages, page size {size}; {shown})");
            IEnumerator<JsonElement>? pages = null;
            int count = 0;
            try
            {
                pages = Call(client, () => client.Paginate(Path, json, pageSize)).GetEnumerator();
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
