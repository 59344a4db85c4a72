using System;
using System.Collections.Generic;
using System.Runtime.CompilerServices;
using System.Threading;
using System.Threading.Tasks;
using Mimecast.Native;

namespace Mimecast
{
    public sealed partial class MimecastClient
    {
        /// <summary>
        /// Opens a pull of SIEM events (API 1.0 SIEM logs, API 2.0 batch files or API 2.0 streaming), resuming from the
        /// checkpoint file when <see cref="EventStreamOptions.CheckpointPath"/> names one. No request is made here. The
        /// stream keeps the native client alive; dispose it when done.
        /// </summary>
        /// <param name="options">What to pull.</param>
        /// <returns>The stream, before its first batch.</returns>
        /// <exception cref="MimecastCheckpointException">The checkpoint file is corrupt or belongs to another account, kind or query.</exception>
        /// <exception cref="MimecastInvalidArgumentException">An option is unusable (a start date in the wrong form, two types for a one-type source...).</exception>
        public EventStream OpenEventStream(EventStreamOptions options)
        {
            if (options == null) throw new ArgumentNullException(nameof(options));
            var h = Handle();
            using var o = options.ToNative();
            var status = NativeMethods.mc_stream_open(h, o, out StreamHandle stream);
            if (status != MimecastStatus.Ok)
            {
                var e = MimecastException.FromLastError(status);
                stream.Dispose();
                throw e;
            }
            return new EventStream(stream);
        }

        /// <summary>
        /// Enumerates the events of a pull (see <see cref="OpenEventStream"/>), batch by batch. A batch is acknowledged (and
        /// the checkpoint saved) when the consumer asks for the first event after it: events the consumer handled before
        /// stopping or crashing are never lost, and at most the batch in hand is delivered again (at least once).
        /// Stopping early leaves that batch unacknowledged.
        /// </summary>
        /// <param name="options">What to pull.</param>
        /// <param name="cancellationToken">Stops a fetch (and follow mode's waits) in flight: <see cref="OperationCanceledException"/>.</param>
        /// <returns>The events, lazily.</returns>
        public IEnumerable<MimecastEvent> Events(EventStreamOptions options, CancellationToken cancellationToken = default)
        {
            if (options == null) throw new ArgumentNullException(nameof(options));
            options.ToNative().Dispose(); // bad options fail here, not at the first MoveNext
            Handle();
            return EventIterator(options, cancellationToken);
        }

        private IEnumerable<MimecastEvent> EventIterator(EventStreamOptions options, CancellationToken cancellationToken)
        {
            using var stream = OpenEventStream(options);
            while (true)
            {
                if (!stream.NextBatch(cancellationToken)) yield break;
                for (var e = stream.ReadEvent(); e != null; e = stream.ReadEvent())
                    yield return e;
                // The consumer asked for what comes after the batch's last event: it handled them all.
                stream.Acknowledge();
            }
        }

        /// <summary>
        /// As <see cref="Events"/>, fetching each batch on the thread pool; the token stops a fetch (or a follow-mode wait)
        /// in flight. Acknowledgement as in <see cref="Events"/>.
        /// </summary>
        /// <param name="options">What to pull.</param>
        /// <param name="cancellationToken">Stops the enumeration, a fetch in flight included.</param>
        /// <returns>The events, lazily.</returns>
        public IAsyncEnumerable<MimecastEvent> EventsAsync(EventStreamOptions options, CancellationToken cancellationToken = default)
        {
            if (options == null) throw new ArgumentNullException(nameof(options));
            options.ToNative().Dispose();
            Handle();
            return EventAsyncIterator(options, cancellationToken);
        }

        private async IAsyncEnumerable<MimecastEvent> EventAsyncIterator(EventStreamOptions options,
            [EnumeratorCancellation] CancellationToken cancellationToken)
        {
            using var stream = OpenEventStream(options);
            while (true)
            {
                if (!await RunAsync(ct => stream.NextBatch(ct), cancellationToken).ConfigureAwait(false)) yield break;
                for (var e = stream.ReadEvent(); e != null; e = stream.ReadEvent())
                    yield return e;
                stream.Acknowledge();
            }
        }
    }
}
