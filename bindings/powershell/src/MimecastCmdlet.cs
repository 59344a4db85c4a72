using System;
using System.Management.Automation;
using System.Threading;

namespace Mimecast.Commands
{
    /// <summary>
    /// What every Mimecast command shares: finding the client (-Client or the connection made by Connect-Mimecast),
    /// running library calls, moving the library's log to the verbose stream, and turning failures into error records.
    /// </summary>
    /// <remarks>
    /// Cancellation: PowerShell calls <see cref="StopProcessing"/> on another thread when the user presses Ctrl+C or a
    /// script stops the pipeline; it cancels <see cref="Cancellation"/>, which every command passes to the library call it
    /// makes, and the library raises the native cancellation flag attached to that call, which then returns within
    /// milliseconds whatever it is waiting for (connecting, the answer, a retry or rate-limit wait, a poll). Every call
    /// into the library goes through <see cref="Call{T}"/>, which turns that cancellation into the pipeline stopping
    /// (no error record: the user asked for it).
    /// </remarks>
    public abstract class MimecastCmdlet : PSCmdlet, IDisposable
    {
        private readonly CancellationTokenSource _stopping = new CancellationTokenSource();

        /// <summary>Cancelled when the user stops the command (Ctrl+C, or a downstream Select-Object -First).</summary>
        protected CancellationToken Cancellation => _stopping.Token;

        /// <summary>Called by PowerShell on another thread when the pipeline is stopped.</summary>
        protected override void StopProcessing()
        {
            _stopping.Cancel();
            base.StopProcessing();
        }

        /// <summary>Runs one library call with <paramref name="client"/> and writes its log lines to the verbose stream.</summary>
        protected T Call<T>(MimecastClient? client, Func<T> call)
        {
            try
            {
                if (Cancellation.IsCancellationRequested) throw new PipelineStoppedException();
                return call();
            }
            catch (Exception e) when (Cancellation.IsCancellationRequested && IsCancellation(e))
            {
                throw new PipelineStoppedException();
            }
            finally
            {
                WriteLibraryLog(client);
            }
        }

        /// <summary>Runs one library call that returns nothing (see <see cref="Call{T}"/>).</summary>
        protected void Call(MimecastClient? client, Action call) => Call(client, () => { call(); return true; });

        /// <summary>
        /// True for the library's cancellation: OperationCanceledException (what the .NET library raises for a cancelled
        /// token), or the cancelled status itself, also inside the wrappers .NET puts around it.
        /// </summary>
        internal static bool IsCancellation(Exception e)
        {
            for (var x = e; x != null; x = x.InnerException)
                if (x is OperationCanceledException || x is MimecastCancelledException) return true;
            return false;
        }

        /// <summary>
        /// The client to use: <paramref name="explicitClient"/> (-Client), else the connection of this session. When there
        /// is neither, nothing can proceed: a terminating error saying to run Connect-Mimecast.
        /// </summary>
        protected MimecastClient ResolveClient(MimecastClient? explicitClient, object? target)
        {
            if (explicitClient != null) return explicitClient;
            var connection = ConnectionStore.Current;
            if (connection != null && !connection.Client.IsDisposed) return connection.Client;
            ThrowTerminatingError(ErrorRecords.NotConnected(target));
            throw new InvalidOperationException("unreachable"); // ThrowTerminatingError always throws
        }

        /// <summary>Writes a failure as a non-terminating error (so -ErrorAction and -ErrorVariable apply).</summary>
        protected void WriteFailure(Exception exception, object? target) => WriteError(ErrorRecords.From(exception, target));

        /// <summary>True for the exceptions the library and its argument checks throw; never for pipeline control flow.</summary>
        protected static bool IsFailure(Exception e) =>
            e is MimecastException || e is ArgumentException || e is ObjectDisposedException || e is DllNotFoundException
            || e is BadImageFormatException || e is EntryPointNotFoundException || e is NotSupportedException
            || e is InvalidOperationException || e is System.IO.IOException || e is UnauthorizedAccessException;

        /// <summary>Moves the lines the library logged for <paramref name="client"/> to the verbose stream.</summary>
        protected void WriteLibraryLog(MimecastClient? client)
        {
            var log = LibraryLog.For(client);
            if (log == null) return;
            while (log.TryDequeue(out var line))
                WriteVerbose("libmimecast " + line);
        }

        /// <summary>Frees the cancellation source.</summary>
        public void Dispose()
        {
            Dispose(true);
            GC.SuppressFinalize(this);
        }

        /// <summary>Frees what a command holds; overrides call the base.</summary>
        protected virtual void Dispose(bool disposing)
        {
            if (disposing) _stopping.Dispose();
        }
    }
}
