using System;
using System.Globalization;
using System.Management.Automation;

namespace Mimecast.Commands
{
    /// <summary>
    /// Turns exceptions into error records: the library's exception type decides the category (one table, below), the
    /// id is Mimecast.&lt;status&gt;, the request path is the target, and a recommended action says what to do. Messages
    /// come from the library, which never puts a key, token or Authorization value in them.
    /// </summary>
    internal static partial class ErrorRecords
    {
        /// <summary>
        /// The category of each exception type, most derived first (the first match wins): the library's classes
        /// with the categories bindings/errors.json gives them (generated into ErrorCategories.g.cs), then the
        /// platform's exceptions a call can raise. A test checks that every public exception type has a row.
        /// </summary>
        internal static readonly (Type Type, ErrorCategory Category)[] Categories = Concat(LibraryCategories, new[]
        {
            (typeof(ArgumentException), ErrorCategory.InvalidArgument),
            (typeof(ObjectDisposedException), ErrorCategory.InvalidOperation),
            (typeof(DllNotFoundException), ErrorCategory.NotInstalled),
            (typeof(BadImageFormatException), ErrorCategory.NotInstalled),
            (typeof(EntryPointNotFoundException), ErrorCategory.NotInstalled),
            (typeof(NotSupportedException), ErrorCategory.NotImplemented),
            (typeof(System.IO.IOException), ErrorCategory.ReadError),
            (typeof(UnauthorizedAccessException), ErrorCategory.PermissionDenied),
        });

        private static (Type, ErrorCategory)[] Concat((Type, ErrorCategory)[] a, (Type, ErrorCategory)[] b)
        {
            var all = new (Type, ErrorCategory)[a.Length + b.Length];
            a.CopyTo(all, 0);
            b.CopyTo(all, a.Length);
            return all;
        }

        /// <summary>
        /// The category for <paramref name="e"/>: its row in <see cref="Categories"/>, refined by what the type alone does
        /// not say (the HTTP status of an API failure, a validation error code, an unreadable file, the bare statuses).
        /// </summary>
        internal static ErrorCategory CategoryOf(Exception e)
        {
            var category = ErrorCategory.NotSpecified;
            foreach (var row in Categories)
            {
                if (row.Type.IsInstanceOfType(e)) { category = row.Category; break; }
            }
            if (!(e is MimecastException m)) return category;
            switch (m.Status)
            {
                case MimecastStatus.ApiFailure:
                    return m.ErrorCode != null && m.ErrorCode.StartsWith("err_validation", StringComparison.Ordinal)
                        ? ErrorCategory.InvalidArgument : ErrorCategory.InvalidOperation;
                case MimecastStatus.HttpError:
                    return m.HttpStatus >= 500 ? ErrorCategory.ResourceUnavailable : ErrorCategory.InvalidResult;
                case MimecastStatus.IO: return ErrorCategory.ReadError;
                case MimecastStatus.InvalidArgument: return ErrorCategory.InvalidArgument;
                case MimecastStatus.Unsupported: return ErrorCategory.NotImplemented;
                default: return category;
            }
        }

        /// <summary>The error id (PowerShell appends ",&lt;command class&gt;" to make the FullyQualifiedErrorId).</summary>
        internal static string IdOf(Exception e)
        {
            switch (e)
            {
                case MimecastException m: return "Mimecast." + m.Status;
                case ArgumentException _: return "Mimecast.InvalidArgument";
                case ObjectDisposedException _: return "Mimecast.ClientDisposed";
                case DllNotFoundException _:
                case BadImageFormatException _:
                case EntryPointNotFoundException _: return "Mimecast.NativeLibraryNotFound";
                case NotSupportedException _: return "Mimecast.NotSupported";
                default: return "Mimecast.Error";
            }
        }

        /// <summary>The error record for a failure of the call on <paramref name="target"/> (a path, URL or file).</summary>
        internal static ErrorRecord From(Exception exception, object? target)
        {
            var e = Unwrap(exception);
            string message = e.Message;
            string? action = null;
            switch (e)
            {
                case MimecastBindingExpiredException _:
                    action = "The binding of this access key and secret key has expired: create new access and secret keys for the application in the Mimecast Administration Console, then run Connect-Mimecast with them.";
                    message = message + " " + action;
                    break;
                case MimecastAuthenticationException a:
                    action = a.HttpStatus == 403
                        ? "Check that the API application and the user behind the access key have the permission this endpoint needs."
                        : "Check the application id and key, the access and secret keys (or the OAuth client id and secret), the base URL of your region, and the computer clock.";
                    break;
                case MimecastRateLimitedException r:
                    if (r.RetryAfter is TimeSpan wait)
                    {
                        var seconds = wait.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture);
                        message = message.TrimEnd('.') + ". Retry after " + seconds + " s.";
                        action = "Wait " + seconds + " s before calling again, or connect with a higher -MaxRetries.";
                    }
                    else
                    {
                        action = "Wait before calling again, or connect with a higher -MaxRetries.";
                    }
                    break;
                case MimecastApiException api when api.Status == MimecastStatus.HttpError && api.HttpStatus >= 500:
                    action = "The Mimecast service failed; try again later.";
                    break;
                case MimecastTimeoutException _:
                    action = "Connect with a larger -TimeoutSec, or check the network path to the Mimecast API.";
                    break;
                case MimecastTlsException _:
                    action = "If a TLS-inspecting proxy or a private CA signs the certificate, connect with -CaBundle <PEM file of that CA>.";
                    break;
                case MimecastTransportException _:
                    action = "Check the base URL, the network, and the proxy (-Proxy, HTTPS_PROXY).";
                    break;
                case MimecastInvalidCredentialsException _:
                    action = "The secret key must be the base64 text shown by the Mimecast Administration Console.";
                    break;
                case MimecastCheckpointException _:
                    action = "Give the checkpoint file of this pull (the same account, -Kind, -Type and query), or move the file away to start a new pull from -Start: the module never starts over by itself.";
                    break;
                case ObjectDisposedException _:
                    message = "The Mimecast client was disposed (Disconnect-Mimecast). Run Connect-Mimecast again.";
                    break;
                case DllNotFoundException _:
                    action = "Reinstall the module, or set MIMECAST_LIBRARY to the full path of libmimecast for this platform.";
                    break;
            }
            var record = new ErrorRecord(e, IdOf(e), CategoryOf(e), target);
            record.ErrorDetails = new ErrorDetails(message);
            if (action != null) record.ErrorDetails.RecommendedAction = action;
            return record;
        }

        /// <summary>The terminating error of a command that has no client to use.</summary>
        internal static ErrorRecord NotConnected(object? target)
        {
            var e = new InvalidOperationException("Not connected to Mimecast. Run Connect-Mimecast first, or pass a client with -Client.");
            var record = new ErrorRecord(e, "Mimecast.NotConnected", ErrorCategory.InvalidOperation, target);
            record.ErrorDetails = new ErrorDetails(e.Message)
            {
                RecommendedAction = "Run Connect-Mimecast (see Get-Help Connect-Mimecast -Examples).",
            };
            return record;
        }

        /// <summary>The library's exception inside the wrappers .NET puts around it.</summary>
        private static Exception Unwrap(Exception e)
        {
            while (e.InnerException != null
                   && (e is TypeInitializationException || e is System.Reflection.TargetInvocationException || e is AggregateException))
                e = e.InnerException;
            return e;
        }
    }
}
