using System;
using Mimecast.Native;

namespace Mimecast
{
    /// <summary>
    /// A libmimecast call failed. Subclasses say what kind of failure; <see cref="Status"/> has the exact status.
    /// Messages never contain secrets (keys, tokens, Authorization values).
    /// </summary>
    /// <remarks>
    /// The classes form the tree of <c>bindings/errors.json</c>, shared with the Python binding (same parents, same
    /// status for each class); the status -&gt; class mapping is generated from it (Exceptions.g.cs):
    /// <code>
    /// MimecastException
    ///   MimecastInvalidArgumentException, MimecastInvalidCredentialsException
    ///   MimecastConfigurationException: MimecastInvalidUrlException (: MimecastInsecureUrlException), MimecastIOException
    ///   MimecastTransportException: MimecastTlsException, MimecastTimeoutException
    ///   MimecastApiException: MimecastAuthenticationException (: MimecastBindingExpiredException),
    ///                         MimecastRateLimitedException, MimecastApiFailureException, MimecastHttpException
    ///   MimecastResponseException: MimecastMalformedResponseException, MimecastResponseTooLargeException
    ///   MimecastInternalException, MimecastUnsupportedException
    /// </code>
    /// A disposed client throws the platform's <see cref="ObjectDisposedException"/>.
    /// </remarks>
    public partial class MimecastException : Exception
    {
        /// <summary>Creates an exception with the given details.</summary>
        /// <param name="status">The native status.</param>
        /// <param name="message">A message saying what went wrong and what to do.</param>
        /// <param name="httpStatus">HTTP status of the response behind the failure, or 0.</param>
        /// <param name="errorCode">Mimecast's error code (e.g. <c>err_xdk_binding_expired</c>), or null.</param>
        /// <param name="apiMessage">Mimecast's error message (e.g. <c>0004 Invalid Signature</c>), or null.</param>
        public MimecastException(MimecastStatus status, string message, int httpStatus = 0, string? errorCode = null, string? apiMessage = null)
            : base(message)
        {
            Status = status;
            HttpStatus = httpStatus;
            ErrorCode = errorCode;
            ApiMessage = apiMessage;
        }

        internal MimecastException(ErrorInfo info) : this(info.Status, info.Message, info.HttpStatus, info.ErrorCode, info.ApiMessage) { }

        /// <summary>The native status (<c>mc_status</c>).</summary>
        public MimecastStatus Status { get; }

        /// <summary>HTTP status of the response behind the failure, or 0 when no response was received.</summary>
        public int HttpStatus { get; }

        /// <summary>Mimecast's error code from the response's <c>fail</c> array (e.g. <c>err_validation_blank</c>), or null.</summary>
        public string? ErrorCode { get; }

        /// <summary>Mimecast's error message (e.g. <c>0004 Invalid Signature</c>), or null.</summary>
        public string? ApiMessage { get; }

        /// <summary>Builds the exception for the failure just reported on this thread. Call right after the failing native call.</summary>
        internal static MimecastException FromLastError(MimecastStatus status)
        {
            var message = Utf8.PtrToString(NativeMethods.mc_last_error_message());
            var code = NullIfEmpty(Utf8.PtrToString(NativeMethods.mc_last_error_code()));
            var apiMessage = NullIfEmpty(Utf8.PtrToString(NativeMethods.mc_last_error_api_message()));
            var http = NativeMethods.mc_last_error_http_status();
            long retryAfterMs = status == MimecastStatus.RateLimited ? NativeMethods.mc_last_error_retry_after_ms() : -1;
            if (string.IsNullOrEmpty(message))
                message = Utf8.PtrToString(NativeMethods.mc_status_name((uint)status)) ?? ("status " + (int)status);
            return Create(new ErrorInfo(status, message!, http, code, apiMessage,
                retryAfterMs >= 0 ? TimeSpan.FromMilliseconds(retryAfterMs) : (TimeSpan?)null));
        }

        /// <summary>An exception raised by the binding itself for a status (e.g. a response it cannot read).</summary>
        internal static MimecastException Of(MimecastStatus status, string message) =>
            Create(new ErrorInfo(status, message, 0, null, null, null));

        private static string? NullIfEmpty(string? s) => string.IsNullOrEmpty(s) ? null : s;
    }

    /// <summary>The details of one failure, as the native library reported them.</summary>
    internal sealed class ErrorInfo
    {
        internal ErrorInfo(MimecastStatus status, string message, int httpStatus, string? errorCode, string? apiMessage, TimeSpan? retryAfter)
        {
            Status = status;
            Message = message;
            HttpStatus = httpStatus;
            ErrorCode = errorCode;
            ApiMessage = apiMessage;
            RetryAfter = retryAfter;
        }

        internal MimecastStatus Status { get; }
        internal string Message { get; }
        internal int HttpStatus { get; }
        internal string? ErrorCode { get; }
        internal string? ApiMessage { get; }
        internal TimeSpan? RetryAfter { get; }
    }

    /// <summary>A required argument was missing, empty or unusable (a full URL as a path, a missing environment variable).
    /// Arguments the binding can check itself throw <see cref="ArgumentException"/> first, as usual in .NET.</summary>
    public class MimecastInvalidArgumentException : MimecastException
    {
        /// <summary>Creates the exception.</summary>
        /// <param name="message">The message.</param>
        public MimecastInvalidArgumentException(string message) : base(MimecastStatus.InvalidArgument, message) { }

        internal MimecastInvalidArgumentException(ErrorInfo info) : base(info) { }
    }

    /// <summary>The credentials are malformed (for example a secret key that is not base64); nothing was sent.</summary>
    public class MimecastInvalidCredentialsException : MimecastException
    {
        /// <summary>Creates the exception.</summary>
        /// <param name="message">The message.</param>
        public MimecastInvalidCredentialsException(string message) : base(MimecastStatus.InvalidCredentials, message) { }

        internal MimecastInvalidCredentialsException(ErrorInfo info) : base(info) { }
    }

    /// <summary>The client configuration is unusable: bad URL or region, insecure http://, unreadable file (raised as one of
    /// its subclasses).</summary>
    public class MimecastConfigurationException : MimecastException
    {
        /// <summary>Creates the exception.</summary>
        /// <param name="status">InvalidUrl, InsecureUrl or IO.</param>
        /// <param name="message">The message.</param>
        public MimecastConfigurationException(MimecastStatus status, string message) : base(status, message) { }

        internal MimecastConfigurationException(ErrorInfo info) : base(info) { }
    }

    /// <summary>The connection failed or broke before a complete response arrived.</summary>
    public class MimecastTransportException : MimecastException
    {
        /// <summary>Creates the exception.</summary>
        /// <param name="status">Transport, Tls or Timeout.</param>
        /// <param name="message">The message.</param>
        public MimecastTransportException(MimecastStatus status, string message) : base(status, message) { }

        internal MimecastTransportException(ErrorInfo info) : base(info) { }
    }

    /// <summary>TLS failed, for example an untrusted certificate (see <see cref="MimecastClientOptions.CaBundlePath"/>).</summary>
    public class MimecastTlsException : MimecastTransportException
    {
        /// <summary>Creates the exception.</summary>
        /// <param name="message">The message.</param>
        public MimecastTlsException(string message) : base(MimecastStatus.Tls, message) { }

        internal MimecastTlsException(ErrorInfo info) : base(info) { }
    }

    /// <summary>The connect timeout or the overall request timeout expired.</summary>
    public class MimecastTimeoutException : MimecastTransportException
    {
        /// <summary>Creates the exception.</summary>
        /// <param name="message">The message.</param>
        public MimecastTimeoutException(string message) : base(MimecastStatus.Timeout, message) { }

        internal MimecastTimeoutException(ErrorInfo info) : base(info) { }
    }

    /// <summary>Mimecast answered, with an error: a <c>fail</c> entry (<see cref="MimecastException.ErrorCode"/>) or an unexpected HTTP status.</summary>
    public class MimecastApiException : MimecastException
    {
        /// <summary>Creates the exception.</summary>
        /// <param name="status">The native status.</param>
        /// <param name="message">The message.</param>
        /// <param name="httpStatus">The HTTP status.</param>
        /// <param name="errorCode">Mimecast's error code, or null.</param>
        /// <param name="apiMessage">Mimecast's error message, or null.</param>
        public MimecastApiException(MimecastStatus status, string message, int httpStatus, string? errorCode, string? apiMessage)
            : base(status, message, httpStatus, errorCode, apiMessage) { }

        internal MimecastApiException(ErrorInfo info) : base(info) { }
    }

    /// <summary>HTTP 401 or 403: bad keys, bad signature, clock skew, or missing permission.</summary>
    public class MimecastAuthenticationException : MimecastApiException
    {
        /// <summary>Creates the exception.</summary>
        /// <param name="status">Unauthorized or BindingExpired.</param>
        /// <param name="message">The message.</param>
        /// <param name="httpStatus">The HTTP status.</param>
        /// <param name="errorCode">Mimecast's error code, or null.</param>
        /// <param name="apiMessage">Mimecast's error message, or null.</param>
        public MimecastAuthenticationException(MimecastStatus status, string message, int httpStatus, string? errorCode, string? apiMessage)
            : base(status, message, httpStatus, errorCode, apiMessage) { }

        internal MimecastAuthenticationException(ErrorInfo info) : base(info) { }
    }

    /// <summary>
    /// HTTP 418: the access key / secret key binding expired, so the credentials are refused. Create new keys in the
    /// Mimecast console. An authentication exception (in every binding): code that handles "these credentials do not
    /// work" catches it too.
    /// </summary>
    public class MimecastBindingExpiredException : MimecastAuthenticationException
    {
        /// <summary>Creates the exception.</summary>
        /// <param name="message">The message.</param>
        /// <param name="httpStatus">The HTTP status.</param>
        /// <param name="errorCode">Mimecast's error code, or null.</param>
        /// <param name="apiMessage">Mimecast's error message, or null.</param>
        public MimecastBindingExpiredException(string message, int httpStatus, string? errorCode, string? apiMessage)
            : base(MimecastStatus.BindingExpired, message, httpStatus, errorCode, apiMessage) { }

        internal MimecastBindingExpiredException(ErrorInfo info) : base(info) { }
    }

    /// <summary>HTTP 429: quota exceeded (after any configured retries). Wait <see cref="RetryAfter"/> before retrying.</summary>
    public class MimecastRateLimitedException : MimecastApiException
    {
        /// <summary>Creates the exception.</summary>
        /// <param name="message">The message.</param>
        /// <param name="httpStatus">The HTTP status.</param>
        /// <param name="errorCode">Mimecast's error code, or null.</param>
        /// <param name="apiMessage">Mimecast's error message, or null.</param>
        /// <param name="retryAfter">How long to wait (the X-RateLimit-Reset header), or null when unknown.</param>
        public MimecastRateLimitedException(string message, int httpStatus, string? errorCode, string? apiMessage, TimeSpan? retryAfter)
            : base(MimecastStatus.RateLimited, message, httpStatus, errorCode, apiMessage)
        {
            RetryAfter = retryAfter;
        }

        internal MimecastRateLimitedException(ErrorInfo info) : base(info)
        {
            RetryAfter = info.RetryAfter;
        }

        /// <summary>How long to wait before retrying (from X-RateLimit-Reset, milliseconds), or null when unknown.</summary>
        public TimeSpan? RetryAfter { get; }
    }

    /// <summary>The response is not the JSON envelope Mimecast sends, or it is larger than allowed.</summary>
    public class MimecastResponseException : MimecastException
    {
        /// <summary>Creates the exception.</summary>
        /// <param name="status">MalformedResponse or ResponseTooLarge.</param>
        /// <param name="message">The message.</param>
        /// <param name="httpStatus">The HTTP status.</param>
        public MimecastResponseException(MimecastStatus status, string message, int httpStatus) : base(status, message, httpStatus) { }

        internal MimecastResponseException(ErrorInfo info) : base(info) { }
    }

    /// <summary>The base URL is not an http(s) URL, or the region name is unknown.</summary>
    public class MimecastInvalidUrlException : MimecastConfigurationException
    {
        /// <summary>Creates the exception.</summary>
        /// <param name="message">The message.</param>
        public MimecastInvalidUrlException(string message) : base(MimecastStatus.InvalidUrl, message) { }

        internal MimecastInvalidUrlException(ErrorInfo info) : base(info) { }
    }

    /// <summary>Plain http:// to a host that is not loopback without <see cref="MimecastClientOptions.AllowInsecureHttp"/>.</summary>
    public class MimecastInsecureUrlException : MimecastInvalidUrlException
    {
        /// <summary>Creates the exception.</summary>
        /// <param name="message">The message.</param>
        public MimecastInsecureUrlException(string message) : this(new ErrorInfo(MimecastStatus.InsecureUrl, message, 0, null, null, null)) { }

        internal MimecastInsecureUrlException(ErrorInfo info) : base(info) { }
    }

    /// <summary>A file named in the configuration (CA bundle, Postman export) could not be read or parsed.</summary>
    public class MimecastIOException : MimecastConfigurationException
    {
        /// <summary>Creates the exception.</summary>
        /// <param name="message">The message.</param>
        public MimecastIOException(string message) : base(MimecastStatus.IO, message) { }

        internal MimecastIOException(ErrorInfo info) : base(info) { }
    }

    /// <summary>Mimecast processed the request but reported a failure in the <c>fail</c> array, possibly under HTTP 200
    /// (see <see cref="MimecastException.ErrorCode"/>).</summary>
    public class MimecastApiFailureException : MimecastApiException
    {
        /// <summary>Creates the exception.</summary>
        /// <param name="message">The message.</param>
        /// <param name="httpStatus">The HTTP status.</param>
        /// <param name="errorCode">Mimecast's error code, or null.</param>
        /// <param name="apiMessage">Mimecast's error message, or null.</param>
        public MimecastApiFailureException(string message, int httpStatus, string? errorCode, string? apiMessage)
            : base(MimecastStatus.ApiFailure, message, httpStatus, errorCode, apiMessage) { }

        internal MimecastApiFailureException(ErrorInfo info) : base(info) { }
    }

    /// <summary>Any other unexpected HTTP status: 404, 405, 5xx, a redirect (see <see cref="MimecastException.HttpStatus"/>).</summary>
    public class MimecastHttpException : MimecastApiException
    {
        /// <summary>Creates the exception.</summary>
        /// <param name="message">The message.</param>
        /// <param name="httpStatus">The HTTP status.</param>
        /// <param name="errorCode">Mimecast's error code, or null.</param>
        /// <param name="apiMessage">Mimecast's error message, or null.</param>
        public MimecastHttpException(string message, int httpStatus, string? errorCode, string? apiMessage)
            : base(MimecastStatus.HttpError, message, httpStatus, errorCode, apiMessage) { }

        internal MimecastHttpException(ErrorInfo info) : base(info) { }
    }

    /// <summary>The response is not the JSON envelope Mimecast sends, or a field of it is not what it must be (the message
    /// names it).</summary>
    public class MimecastMalformedResponseException : MimecastResponseException
    {
        /// <summary>Creates the exception.</summary>
        /// <param name="message">The message.</param>
        /// <param name="httpStatus">The HTTP status.</param>
        public MimecastMalformedResponseException(string message, int httpStatus = 0) : base(MimecastStatus.MalformedResponse, message, httpStatus) { }

        internal MimecastMalformedResponseException(ErrorInfo info) : base(info) { }
    }

    /// <summary>The response exceeded <see cref="MimecastClientOptions.MaxResponseBytes"/>.</summary>
    public class MimecastResponseTooLargeException : MimecastResponseException
    {
        /// <summary>Creates the exception.</summary>
        /// <param name="message">The message.</param>
        /// <param name="httpStatus">The HTTP status.</param>
        public MimecastResponseTooLargeException(string message, int httpStatus = 0) : base(MimecastStatus.ResponseTooLarge, message, httpStatus) { }

        internal MimecastResponseTooLargeException(ErrorInfo info) : base(info) { }
    }

    /// <summary>A bug inside libmimecast (a caught panic). Please report it.</summary>
    public class MimecastInternalException : MimecastException
    {
        /// <summary>Creates the exception.</summary>
        /// <param name="message">The message.</param>
        public MimecastInternalException(string message) : base(MimecastStatus.Internal, message) { }

        internal MimecastInternalException(ErrorInfo info) : base(info) { }
    }

    /// <summary>The operation does not apply to this client's kind of credentials, e.g. signing with an API 2.0 (OAuth) client.</summary>
    public class MimecastUnsupportedException : MimecastException
    {
        /// <summary>Creates the exception.</summary>
        /// <param name="message">The message.</param>
        public MimecastUnsupportedException(string message) : base(MimecastStatus.Unsupported, message) { }

        internal MimecastUnsupportedException(ErrorInfo info) : base(info) { }
    }

    /// <summary>The call was cancelled through a cancellation handle. Async methods throw
    /// <see cref="System.OperationCanceledException"/> when their token caused it.</summary>
    public class MimecastCancelledException : MimecastException
    {
        /// <summary>Creates the exception.</summary>
        /// <param name="message">The message.</param>
        public MimecastCancelledException(string message) : base(MimecastStatus.Cancelled, message) { }

        internal MimecastCancelledException(ErrorInfo info) : base(info) { }
    }

    /// <summary>An event stream's checkpoint file is corrupt or belongs to another account, kind of stream or
    /// query; nothing starts over silently.</summary>
    public class MimecastCheckpointException : MimecastException
    {
        /// <summary>Creates the exception.</summary>
        /// <param name="message">The message.</param>
        public MimecastCheckpointException(string message) : base(MimecastStatus.Checkpoint, message) { }

        internal MimecastCheckpointException(ErrorInfo info) : base(info) { }
    }
}
