using System.Collections.Concurrent;
using System.Runtime.CompilerServices;

namespace Mimecast.Commands
{
    /// <summary>
    /// The library's log lines for a client made by Connect-Mimecast. The library calls the logger on the thread making
    /// the request; the logger only enqueues, and commands write the lines to the verbose stream on the pipeline thread
    /// (WriteVerbose must never be called from another thread).
    /// </summary>
    internal sealed class LibraryLog
    {
        private const int Capacity = 1000;
        private static readonly ConditionalWeakTable<MimecastClient, LibraryLog> ByClient = new ConditionalWeakTable<MimecastClient, LibraryLog>();
        private readonly ConcurrentQueue<string> _lines = new ConcurrentQueue<string>();

        /// <summary>The logger to put in <see cref="MimecastClientOptions.Logger"/>.</summary>
        internal void Add(MimecastLogLevel level, string message)
        {
            if (_lines.Count < Capacity) _lines.Enqueue(level + ": " + message);
        }

        internal bool TryDequeue(out string line) => _lines.TryDequeue(out line!);

        /// <summary>Ties this log to the client it was created for.</summary>
        internal void Attach(MimecastClient client) => ByClient.Add(client, this);

        /// <summary>The log of <paramref name="client"/>, or null for a client made outside Connect-Mimecast.</summary>
        internal static LibraryLog? For(MimecastClient? client) =>
            client != null && ByClient.TryGetValue(client, out var log) ? log : null;
    }
}
