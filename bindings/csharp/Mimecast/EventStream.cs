using System;
using System.Collections.Generic;
using System.Runtime.InteropServices;
using System.Text.Json;
using System.Threading;
using Mimecast.Native;

namespace Mimecast
{
    /// <summary>
    /// What an <see cref="EventStream"/> pulls: the source (<see cref="Kind"/>), the event types, where the first pull
    /// starts, the checkpoint file, follow mode. Properties left at their defaults keep the library's defaults.
    /// </summary>
    public sealed class EventStreamOptions
    {
        /// <summary>Creates options; set <see cref="Kind"/> before opening a stream.</summary>
        public EventStreamOptions() { }

        /// <summary>Creates options for a source.</summary>
        /// <param name="kind">The source.</param>
        public EventStreamOptions(EventStreamKind kind) { Kind = kind; }

        /// <summary>The source: API 1.0 SIEM logs, API 2.0 batch files, or API 2.0 streaming. Required.</summary>
        public EventStreamKind Kind { get; set; }

        /// <summary>
        /// Event types (e.g. <c>MTA</c> for API 1.0, <c>receipt</c> for API 2.0). The 1.0 and batch sources take one type
        /// per stream, streaming several. Empty: the source's default (MTA, receipt, all).
        /// </summary>
        public IList<string> Types { get; set; } = new List<string>();

        /// <summary>Where a first pull starts: <c>YYYY-MM-DD</c>, or for streaming also <c>YYYY-MM-DDTHH:MM:SS.fffZ</c>; null = seven days ago.</summary>
        public string? Start { get; set; }

        /// <summary>Where the pull ends (same forms as <see cref="Start"/>); null for none.</summary>
        public string? End { get; set; }

        /// <summary>Files (batch source) or events (streaming) a page; 0 for the service's default.</summary>
        public int PageSize { get; set; }

        /// <summary>
        /// The checkpoint file: the position is saved there (atomically) each time a batch is acknowledged, and a new
        /// stream resumes from it. A missing file is a first run; a corrupt file, or one from another account, kind or
        /// query, is refused with <see cref="MimecastCheckpointException"/> (never a silent restart). Null: no checkpoint.
        /// </summary>
        public string? CheckpointPath { get; set; }

        /// <summary>When caught up, wait <see cref="PollInterval"/> and look again instead of ending; cancel to stop.</summary>
        public bool Follow { get; set; }

        /// <summary>The wait between polls in follow mode (at least 1 s; default 60 s).</summary>
        public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(60);

        /// <summary>The endpoint path, for a variant of the source (e.g. <c>/siem/v1/batch/events/ci</c>); null for the default.</summary>
        public string? Path { get; set; }

        /// <summary>The most bytes one batch may decompress to; 0 for the default (256 MiB). A larger file is refused as a possible bomb.</summary>
        public long MaxBatchBytes { get; set; }

        /// <summary>Builds the native options (the caller disposes them).</summary>
        internal StreamOptionsHandle ToNative()
        {
            if (Kind != EventStreamKind.SiemV1 && Kind != EventStreamKind.Batch && Kind != EventStreamKind.Stream)
                throw new ArgumentException("EventStreamOptions.Kind must be SiemV1, Batch or Stream.", "options");
            if (PageSize < 0) throw new ArgumentOutOfRangeException("options", PageSize, "PageSize must not be negative.");
            if (MaxBatchBytes < 0) throw new ArgumentOutOfRangeException("options", MaxBatchBytes, "MaxBatchBytes must not be negative.");
            var pollMs = Math.Ceiling(PollInterval.TotalMilliseconds);
            if (pollMs < 1000 || pollMs > uint.MaxValue)
                throw new ArgumentOutOfRangeException("options", PollInterval, "PollInterval must be at least 1 s.");
            if (CheckpointPath != null && CheckpointPath.Length == 0)
                throw new ArgumentException("CheckpointPath must not be empty (null for no checkpoint).", "options");
            NativeLibraryLoader.EnsureLoaded();
            NativeMethods.Check(NativeMethods.mc_stream_options_new((uint)Kind, out StreamOptionsHandle o));
            try
            {
                foreach (var t in Types ?? Array.Empty<string>())
                {
                    if (string.IsNullOrEmpty(t)) throw new ArgumentException("An event type must not be null or empty.", "options");
                    NativeMethods.Check(NativeMethods.mc_stream_options_add_type(o, Utf8.ToNative(t, "options")));
                }
                if (Start != null) NativeMethods.Check(NativeMethods.mc_stream_options_set_start(o, Utf8.ToNative(Start, "options")));
                if (End != null) NativeMethods.Check(NativeMethods.mc_stream_options_set_end(o, Utf8.ToNative(End, "options")));
                if (PageSize > 0) NativeMethods.Check(NativeMethods.mc_stream_options_set_page_size(o, (uint)PageSize));
                if (CheckpointPath != null)
                    NativeMethods.Check(NativeMethods.mc_stream_options_set_checkpoint(o, Utf8.ToNative(System.IO.Path.GetFullPath(CheckpointPath), "options")));
                if (Follow) NativeMethods.Check(NativeMethods.mc_stream_options_set_follow(o, true, (uint)pollMs));
                if (Path != null) NativeMethods.Check(NativeMethods.mc_stream_options_set_path(o, Utf8.ToNative(Path, "options")));
                if (MaxBatchBytes > 0) NativeMethods.Check(NativeMethods.mc_stream_options_set_max_batch_bytes(o, (ulong)MaxBatchBytes));
                return o;
            }
            catch
            {
                o.Dispose();
                throw;
            }
        }
    }

    /// <summary>Progress of an <see cref="EventStream"/> (mc_stream_progress).</summary>
    public readonly struct EventStreamProgress
    {
        internal EventStreamProgress(NativeStreamProgress p)
        {
            Events = (long)Math.Min(p.Events, long.MaxValue);
            Bytes = (long)Math.Min(p.Bytes, long.MaxValue);
            Batches = (long)Math.Min(p.Batches, long.MaxValue);
            TotalEvents = (long)Math.Min(p.TotalEvents, long.MaxValue);
            TotalBytes = (long)Math.Min(p.TotalBytes, long.MaxValue);
        }

        /// <summary>Events handed out since the stream was opened.</summary>
        public long Events { get; }

        /// <summary>Bytes of those events (decompressed JSON).</summary>
        public long Bytes { get; }

        /// <summary>Batches acknowledged since the stream was opened.</summary>
        public long Batches { get; }

        /// <summary>Events acknowledged over the checkpoint's whole life.</summary>
        public long TotalEvents { get; }

        /// <summary>Bytes acknowledged over the checkpoint's whole life.</summary>
        public long TotalBytes { get; }

        /// <summary>For logs: events and bytes so far.</summary>
        public override string ToString() =>
            $"{Events} events, {Bytes} bytes, {Batches} batches acknowledged ({TotalEvents} events, {TotalBytes} bytes in all)";
    }

    /// <summary>One SIEM event: its JSON text as the service sent it, parsed on demand.</summary>
    public sealed class MimecastEvent
    {
        private JsonElement? _data;

        /// <summary>Wraps an event's JSON text (and the file it came from, if any).</summary>
        /// <param name="json">The event's JSON text.</param>
        /// <param name="file">The file it came from, or null.</param>
        public MimecastEvent(string json, string? file = null)
        {
            Json = json ?? throw new ArgumentNullException(nameof(json));
            File = file;
        }

        /// <summary>The event's JSON text, exactly as delivered.</summary>
        public string Json { get; }

        /// <summary>The file the event came from (a zip entry for API 1.0, the batch file's name for API 2.0 batch), or null.</summary>
        public string? File { get; }

        /// <summary>The event parsed (once, on first access).</summary>
        /// <exception cref="MimecastMalformedResponseException">The text is not JSON.</exception>
        public JsonElement Data
        {
            get
            {
                if (_data is JsonElement d) return d;
                try
                {
                    using var doc = JsonDocument.Parse(Json, MimecastResponse.JsonOptions);
                    var e = doc.RootElement.Clone();
                    _data = e;
                    return e;
                }
                catch (JsonException e)
                {
                    throw new MimecastMalformedResponseException("An event is not valid JSON: " + e.Message);
                }
            }
        }

        /// <summary>The event deserialized as <typeparamref name="T"/> with System.Text.Json.</summary>
        /// <typeparam name="T">The type to read.</typeparam>
        /// <param name="options">Serializer options, or null for the defaults.</param>
        /// <returns>The value.</returns>
        /// <exception cref="MimecastMalformedResponseException">The event is not JSON of that shape.</exception>
        public T? Deserialize<T>(JsonSerializerOptions? options = null)
        {
            try
            {
                return JsonSerializer.Deserialize<T>(Json, options);
            }
            catch (JsonException e)
            {
                throw new MimecastMalformedResponseException("An event does not have the expected shape: " + e.Message);
            }
        }

        /// <summary>The JSON text.</summary>
        public override string ToString() => Json;
    }

    /// <summary>
    /// A pull of SIEM events, batch by batch (one mc_stream): <see cref="NextBatch"/> fetches a batch (a file or a page),
    /// <see cref="ReadBatch"/> (or <see cref="ReadEvent"/>) gives its events, <see cref="Acknowledge"/> says they were
    /// handled (saving the checkpoint). Delivery is at least once: after a crash, at most the batch that was not
    /// acknowledged is delivered again. Made by <see cref="MimecastClient.OpenEventStream"/>. Not thread-safe: one
    /// thread at a time (a second concurrent call throws <see cref="InvalidOperationException"/>).
    /// </summary>
    public sealed class EventStream : IDisposable
    {
        private readonly StreamHandle _handle;
        private int _busy;

        internal EventStream(StreamHandle handle)
        {
            _handle = handle;
        }

        /// <summary>
        /// Moves to the next batch, fetching it. The batch before must have been acknowledged. Blocks like any request
        /// (and, in follow mode, until a batch comes); <paramref name="cancellationToken"/> stops it in flight.
        /// </summary>
        /// <param name="cancellationToken">Cancels the fetch (and follow mode's waits) in flight.</param>
        /// <returns>True when a batch is there; false when the pull is caught up (never in follow mode).</returns>
        /// <exception cref="OperationCanceledException">The token was cancelled.</exception>
        /// <exception cref="MimecastException">The fetch failed.</exception>
        public bool NextBatch(CancellationToken cancellationToken = default) =>
            Use(() => NativeCancellation.Run(() =>
            {
                NativeMethods.Check(NativeMethods.mc_stream_next_batch(_handle, out bool hasBatch));
                return hasBatch;
            }, cancellationToken));

        /// <summary>The next event of the current batch, or null when the batch has no more. No network I/O.</summary>
        /// <returns>The event, with the file it came from.</returns>
        public MimecastEvent? ReadEvent() => Use(ReadEventCore);

        /// <summary>The remaining events of the current batch, as JSON text. No network I/O.</summary>
        /// <returns>The events.</returns>
        public IReadOnlyList<string> ReadBatch() => Use(() =>
        {
            var events = new List<string>();
            for (var e = ReadEventCore(); e != null; e = ReadEventCore())
                events.Add(e.Json);
            return (IReadOnlyList<string>)events;
        });

        /// <summary>The file the current batch (for API 1.0, the event last read) came from, or null.</summary>
        public string? BatchFile => Use(() => Utf8.PtrToString(NativeMethods.mc_stream_batch_file(_handle)));

        /// <summary>
        /// Acknowledges the current batch: its events were handled. The position moves past it and, with a checkpoint
        /// file, is saved atomically. If saving fails (<see cref="MimecastIOException"/>: disk full, read-only) the old
        /// checkpoint stays and the acknowledgement may be retried.
        /// </summary>
        public void Acknowledge() => Use(() =>
        {
            NativeMethods.Check(NativeMethods.mc_stream_ack(_handle));
            return true;
        });

        /// <summary>Progress so far: events and bytes handed out, batches acknowledged.</summary>
        public EventStreamProgress Progress => Use(() =>
        {
            var buffer = Marshal.AllocHGlobal(Marshal.SizeOf<NativeStreamProgress>());
            try
            {
                NativeMethods.Check(NativeMethods.mc_stream_stats(_handle, buffer));
                return new EventStreamProgress(Marshal.PtrToStructure<NativeStreamProgress>(buffer));
            }
            finally
            {
                Marshal.FreeHGlobal(buffer);
            }
        });

        /// <summary>True once <see cref="Dispose"/> was called.</summary>
        public bool IsDisposed => _handle.IsClosed;

        /// <summary>Frees the stream. What was not acknowledged is not saved (it is delivered again next time).</summary>
        public void Dispose() => _handle.Dispose();

        private MimecastEvent? ReadEventCore()
        {
            NativeMethods.Check(NativeMethods.mc_stream_next_event(_handle, out IntPtr json, out UIntPtr len));
            if (json == IntPtr.Zero) return null;
            // Both borrowed until the next call on the stream: copy now.
            var text = Utf8.PtrToString(json, (long)len.ToUInt64());
            var file = Utf8.PtrToString(NativeMethods.mc_stream_batch_file(_handle));
            return new MimecastEvent(text, file);
        }

        /// <summary>One call at a time: the native stream is not thread-safe, so a concurrent call is refused, not raced.</summary>
        private T Use<T>(Func<T> call)
        {
            if (_handle.IsClosed) throw new ObjectDisposedException(nameof(EventStream));
            if (Interlocked.Exchange(ref _busy, 1) != 0)
                throw new InvalidOperationException("An EventStream is used by one thread at a time; another call on it is in progress.");
            try
            {
                return call();
            }
            finally
            {
                Volatile.Write(ref _busy, 0);
            }
        }
    }
}
