using System;
using System.Collections.Generic;
using System.Globalization;
using System.Management.Automation;
using System.Text.Json;

namespace Mimecast.Commands
{
    /// <summary>
    /// Get-MimecastSiemEvent: pulls SIEM events (API 1.0 get-siem-logs, API 2.0 batch or streaming) batch by batch and
    /// writes each event down the pipeline as it is read. With -Checkpoint, a batch is acknowledged (and the checkpoint
    /// file saved atomically by the library) only after every event of it went down the pipeline, so a run stopped at
    /// any point (Ctrl+C, Select-Object -First, a crash) resumes with at most that one batch again and nothing skipped.
    /// -Follow keeps polling once caught up, until the pipeline is stopped.
    /// </summary>
    /// <remarks>
    /// Progress (events, bytes and batches so far, and the checkpoint's totals) goes to the progress stream and to the
    /// verbose stream after every acknowledged batch. Ctrl+C cancels the call in flight (a download, a poll wait, a
    /// rate-limit wait) through the native cancellation flag: StopProcessing cancels <see cref="MimecastCmdlet.Cancellation"/>.
    /// </remarks>
    [Cmdlet(VerbsCommon.Get, "MimecastSiemEvent")]
    [OutputType(EventTypeName)]
    [OutputType(typeof(string))]
    public sealed class GetMimecastSiemEventCommand : MimecastCmdlet
    {
        /// <summary>The type name of the objects written (each is the event's JSON as a PSCustomObject).</summary>
        internal const string EventTypeName = "Mimecast.SiemEvent";

        private const string Activity = "Mimecast SIEM events";
        private const int ActivityId = 1;

        /// <summary>Which source: SiemV1 (API 1.0 get-siem-logs), Batch or Stream (API 2.0).</summary>
        [Parameter(Mandatory = true, Position = 0)]
        public EventStreamKind Kind { get; set; }

        /// <summary>Event types (MTA for API 1.0; receipt, delivery, process... for API 2.0).</summary>
        [Parameter(Position = 1)]
        [ValidateNotNullOrEmpty]
        public string[] Type { get; set; } = null!;

        /// <summary>Where a first pull starts: a date, or a [datetime]/[datetimeoffset].</summary>
        [Parameter]
        [ValidateNotNull]
        public object Start { get; set; } = null!;

        /// <summary>Where the pull ends.</summary>
        [Parameter]
        [ValidateNotNull]
        public object End { get; set; } = null!;

        /// <summary>Files (batch) or events (streaming) a page.</summary>
        [Parameter]
        [ValidateRange(1, int.MaxValue)]
        public int PageSize { get; set; }

        /// <summary>The checkpoint file: read to resume, saved after each acknowledged batch.</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string Checkpoint { get; set; } = null!;

        /// <summary>Keep polling when caught up, until stopped.</summary>
        [Parameter]
        public SwitchParameter Follow { get; set; }

        /// <summary>With -Follow: how long to wait between polls once caught up (a number is seconds).</summary>
        [Parameter]
        [SecondsTransformation]
        public TimeSpan PollInterval { get; set; }

        /// <summary>Another endpoint of the same kind (e.g. /siem/v1/batch/events/ci).</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string Path { get; set; } = null!;

        /// <summary>The most bytes one batch may decompress to.</summary>
        [Parameter]
        [ValidateRange(1L, long.MaxValue)]
        public long MaxBatchBytes { get; set; }

        /// <summary>Write each event's JSON text instead of an object.</summary>
        [Parameter]
        public SwitchParameter AsJson { get; set; }

        /// <summary>The client to use instead of the connection.</summary>
        [Parameter(ValueFromPipelineByPropertyName = true)]
        [ValidateNotNull]
        public MimecastClient Client { get; set; } = null!;

        private bool Bound(string name) => MyInvocation.BoundParameters.ContainsKey(name);

        /// <inheritdoc />
        protected override void ProcessRecord()
        {
            var client = ResolveClient(Client, Kind);
            EventStreamOptions options;
            string? checkpoint = null;
            try
            {
                options = Options(out checkpoint);
            }
            catch (Exception e) when (IsFailure(e))
            {
                WriteFailure(e, Kind);
                return;
            }
            object target = (object?)checkpoint ?? Kind;
            WriteVerbose(Describe(options, checkpoint));

            EventStream? stream = null;
            long written = 0;
            try
            {
                var events = Call(client, () => client.OpenEventStream(options));
                stream = events;
                while (Call(client, () => events.NextBatch(Cancellation)))
                {
                    // Each event goes down the pipeline as it is read (one at a time: memory stays bounded whatever the
                    // batch's size), and the batch is acknowledged only after its last event was written. When a
                    // downstream command stops the pipeline (Select-Object -First), WriteObject throws, the batch stays
                    // unacknowledged and the next run starts with it again.
                    int count = 0;
                    var files = new List<string>();
                    for (var e = Call(client, events.ReadEvent); e != null; e = Call(client, events.ReadEvent))
                    {
                        if (e.File != null && (files.Count == 0 || files[files.Count - 1] != e.File)) files.Add(e.File);
                        WriteObject(AsJson ? e.Json : ToEvent(e.Json));
                        count++;
                        written++;
                    }
                    Call(client, events.Acknowledge);
                    Report(events.Progress, count, files, checkpoint);
                }
            }
            catch (Exception e) when (IsFailure(e))
            {
                WriteFailure(e, target);
                return;
            }
            finally
            {
                // What was not acknowledged is not saved: the checkpoint stays at the last acknowledged batch.
                stream?.Dispose();
                WriteLibraryLog(client);
            }
            WriteProgress(new ProgressRecord(ActivityId, Activity, "Caught up") { RecordType = ProgressRecordType.Completed });
            WriteVerbose($"Caught up: {written.ToString(CultureInfo.InvariantCulture)} event(s) written.");
        }

        /// <summary>Progress after an acknowledged batch, to the progress and verbose streams.</summary>
        private void Report(EventStreamProgress p, int batchEvents, List<string> files, string? checkpoint)
        {
            var soFar = string.Format(CultureInfo.InvariantCulture, "{0} event(s), {1} in {2} batch(es) so far",
                p.Events, Bytes(p.Bytes), p.Batches);
            var progress = new ProgressRecord(ActivityId, Activity, soFar);
            if (Follow) progress.CurrentOperation = "Following: polling again when caught up";
            WriteProgress(progress);
            var total = checkpoint == null
                ? ""
                : string.Format(CultureInfo.InvariantCulture, "; checkpoint saved: {0} event(s), {1} in all",
                    p.TotalEvents, Bytes(p.TotalBytes));
            WriteVerbose(string.Format(CultureInfo.InvariantCulture, "Batch acknowledged: {0} event(s){1}; {2}{3}.",
                batchEvents, files.Count > 0 ? " from " + string.Join(", ", files) : "", soFar, total));
        }

        private static string Bytes(double bytes)
        {
            if (bytes < 1024) return bytes.ToString("0", CultureInfo.InvariantCulture) + " bytes";
            if (bytes < 1024 * 1024) return (bytes / 1024).ToString("0.0", CultureInfo.InvariantCulture) + " KiB";
            return (bytes / (1024 * 1024)).ToString("0.0", CultureInfo.InvariantCulture) + " MiB";
        }

        /// <summary>One event: its JSON, parsed once, as a PSCustomObject named Mimecast.SiemEvent.</summary>
        private static object? ToEvent(string json)
        {
            using (var document = JsonDocument.Parse(json))
            {
                var value = JsonItems.ToObject(document.RootElement);
                if (value is PSObject pso) pso.TypeNames.Insert(0, EventTypeName);
                return value;
            }
        }

        /// <summary>The stream's options from the parameters; the library checks the values when the stream opens.</summary>
        private EventStreamOptions Options(out string? checkpoint)
        {
            var options = new EventStreamOptions { Kind = Kind };
            if (Bound(nameof(Type))) foreach (var t in Type) options.Types.Add(t);
            if (Bound(nameof(Start))) options.Start = FormatDate(Start, nameof(Start));
            if (Bound(nameof(End))) options.End = FormatDate(End, nameof(End));
            if (Bound(nameof(PageSize))) options.PageSize = PageSize;
            checkpoint = Bound(nameof(Checkpoint)) ? SessionState.Path.GetUnresolvedProviderPathFromPSPath(Checkpoint) : null;
            options.CheckpointPath = checkpoint;
            options.Follow = Follow;
            if (Bound(nameof(PollInterval)))
            {
                if (!Follow) throw new ArgumentException("-PollInterval applies to -Follow.");
                if (PollInterval < TimeSpan.FromSeconds(1))
                    throw new ArgumentException("-PollInterval must be at least 1 second (a number is read as seconds).");
                options.PollInterval = PollInterval;
            }
            if (Bound(nameof(Path))) options.Path = Path;
            if (Bound(nameof(MaxBatchBytes))) options.MaxBatchBytes = MaxBatchBytes;
            return options;
        }

        /// <summary>
        /// -Start/-End: text as given (the library checks it); a [datetime] or [datetimeoffset] in UTC, as a date for the
        /// sources that take dates (API 1.0, batch) and with milliseconds for streaming.
        /// </summary>
        private string FormatDate(object value, string name)
        {
            var v = value is PSObject pso ? pso.BaseObject : value;
            DateTime? utc = v is DateTimeOffset dto ? dto.UtcDateTime : v is DateTime dt ? dt.ToUniversalTime() : (DateTime?)null;
            if (utc is DateTime u)
                return Kind == EventStreamKind.Stream
                    ? u.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture)
                    : u.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
            var text = Convert.ToString(v, CultureInfo.InvariantCulture);
            if (string.IsNullOrWhiteSpace(text)) throw new ArgumentException($"-{name} is empty.");
            return text!.Trim();
        }

        private string Describe(EventStreamOptions o, string? checkpoint)
        {
            var parts = new List<string> { "kind " + o.Kind };
            if (o.Types.Count > 0) parts.Add("types " + string.Join(",", o.Types));
            if (o.Start != null) parts.Add("start " + o.Start);
            if (o.End != null) parts.Add("end " + o.End);
            if (o.PageSize > 0) parts.Add("page size " + o.PageSize.ToString(CultureInfo.InvariantCulture));
            if (o.Follow) parts.Add("following");
            string resume = checkpoint == null
                ? "no checkpoint"
                : System.IO.File.Exists(checkpoint) ? "resuming from the checkpoint " + checkpoint : "a first run, checkpoint " + checkpoint;
            return $"Pulling SIEM events ({string.Join("; ", parts)}): {resume}.";
        }
    }

    /// <summary>Reads a number given to a TimeSpan parameter as seconds (PowerShell would read it as ticks).</summary>
    internal sealed class SecondsTransformationAttribute : ArgumentTransformationAttribute
    {
        public override object Transform(EngineIntrinsics engineIntrinsics, object inputData)
        {
            var v = inputData is PSObject pso ? pso.BaseObject : inputData;
            switch (v)
            {
                case int i: return TimeSpan.FromSeconds(i);
                case long l: return TimeSpan.FromSeconds(l);
                case double d: return TimeSpan.FromSeconds(d);
                case decimal m: return TimeSpan.FromSeconds((double)m);
                default: return inputData;
            }
        }
    }
}
