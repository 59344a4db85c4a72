using System;
using System.Threading;

namespace Mimecast.Native
{
    /// <summary>
    /// Makes a <see cref="CancellationToken"/> govern the native calls made on the current thread: a native flag
    /// (mc_cancel_new) raised by the token (mc_cancel_cancel from the cancelling thread) and attached to this thread
    /// (mc_cancel_attach) until <see cref="Dispose"/>. A native call in flight then returns MC_STATUS_CANCELLED within
    /// about 20 ms of the cancel, whatever it is waiting for (connect, TLS, the answer, a retry back-off, an OAuth token).
    /// </summary>
    /// <remarks>
    /// Use it on the thread that makes the native call, in a using block (the attachment is per thread, so the scope must
    /// end on the thread it began on). A token that cannot be cancelled attaches nothing: calls cost nothing extra.
    /// </remarks>
    internal sealed class NativeCancellation : IDisposable
    {
        private readonly CancelHandle _flag;
        private readonly CancellationTokenRegistration _registration;

        private NativeCancellation(CancelHandle flag, CancellationTokenRegistration registration)
        {
            _flag = flag;
            _registration = registration;
        }

        /// <summary>
        /// Attaches a flag raised by <paramref name="token"/> to this thread; null when the token cannot be cancelled.
        /// Throws <see cref="OperationCanceledException"/> at once when the token is already cancelled.
        /// </summary>
        internal static NativeCancellation? Enter(CancellationToken token)
        {
            if (!token.CanBeCanceled) return null;
            token.ThrowIfCancellationRequested();
            NativeLibraryLoader.EnsureLoaded();
            var flag = NativeMethods.mc_cancel_new();
            if (flag.IsInvalid) throw new OutOfMemoryException("mc_cancel_new returned NULL.");
            CancellationTokenRegistration registration = default;
            try
            {
                // Runs on the thread that cancels (or here, if the token fired in between): one atomic store.
                registration = token.Register(state => Raise((CancelHandle)state!), flag);
                NativeMethods.Check(NativeMethods.mc_cancel_attach(flag));
                return new NativeCancellation(flag, registration);
            }
            catch
            {
                registration.Dispose();
                flag.Dispose();
                throw;
            }
        }

        private static void Raise(CancelHandle flag)
        {
            // Never let a cancel callback throw into the code that called Cancel(): the flag may already be freed if the
            // call ended at the same moment (Dispose waits for a running callback, so this only guards a late one).
            try { NativeMethods.mc_cancel_cancel(flag); }
            catch (ObjectDisposedException) { }
        }

        /// <summary>Detaches the flag from this thread, unregisters from the token (waiting for a running callback) and frees it.</summary>
        public void Dispose()
        {
            NativeMethods.mc_cancel_detach();
            _registration.Dispose();
            _flag.Dispose();
        }

        /// <summary>
        /// Runs <paramref name="call"/> on this thread with <paramref name="token"/> governing its native calls. A native
        /// MC_STATUS_CANCELLED caused by the token becomes the <see cref="OperationCanceledException"/> .NET callers expect,
        /// carrying the token, with the native exception as its inner exception.
        /// </summary>
        internal static T Run<T>(Func<T> call, CancellationToken token)
        {
            if (!token.CanBeCanceled) return call();
            using (Enter(token))
            {
                try
                {
                    return call();
                }
                catch (MimecastCancelledException e) when (token.IsCancellationRequested)
                {
                    throw new OperationCanceledException(e.Message, e, token);
                }
            }
        }
    }
}
