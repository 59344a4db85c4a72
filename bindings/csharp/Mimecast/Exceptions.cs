using System;
using Mimecast.Native;

namespace Mimecast
{
    /// <summary>
    /// A libmimecast call failed. Subclasses say what kind of failure; <see cref="Status"/> has the exact status.
    /// Messages never contain secrets (keys, tokens, Authorization values).
    /// </summary>
    public class MimecastException : Exception
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

        /// <summary>The native status (<c>mc_status</c>).</summary>
        public MimecastStatus Status { get; }

        /// <summary>HTTP status of the response behind the failure, or 0 when no response was received.</summary>
        public int HttpStatus { get; }

        /// <summary>Mimecast's error code from the response's <c>fail</c> array (e.g. <c>err_validation_blank</c>), or null.</summary>
        public string? ErrorCode { get; }

        /// <summary>Mimecast's error message (e.g. <c>0004 Invalid Signature</c>), or null.</summary>
        public string? ApiMessage { get; }

        /// <summary>Builds the exception for the failure just reported on this thread. Call right after the failing native call.</summary>
        internal static MimecastException FromLastError(int rawStatus)
        {
            var status = (MimecastStatus)rawStatus;
            var message = Utf8.PtrToString(NativeMethods.mc_last_error_message());
            var code = NullIfEmpty(Utf8.PtrToString(NativeMethods.mc_last_error_code()));
            var apiMessage = NullIfEmpty(Utf8.PtrToString(NativeMethods.mc_last_error_api_message()));
            var http = NativeMethods.mc_last_error_http_status();
            long retryAfterMs = status == MimecastStatus.RateLimited ? NativeMethods.mc_last_error_retry_after_ms() : -1;
            if (string.IsNullOrEmpty(message))
                message = Utf8.PtrToString(NativeMethods.mc_status_name((uint)rawStatus)) ?? ("status " + rawStatus);
            return Create(status, message!, http, code, apiMessage, retryAfterMs);
        }

        internal static MimecastException Create(MimecastStatus status, string message, int http, string? code, string? apiMessage, long retryAfterMs)
        {
            switch (status)
            {
                case MimecastStatus.InvalidCredentials: return new MimecastInvalidCredentialsException(message);
                case MimecastStatus.InvalidUrl:
                case MimecastStatus.InsecureUrl:
                case MimecastStatus.IO: return new MimecastConfigurationException(status, message);
                case MimecastStatus.Transport: return new MimecastTransportException(status, message);
                case MimecastStatus.Tls: return new MimecastTlsException(message);
                case MimecastStatus.Timeout: return new MimecastTimeoutException(message);
                case MimecastStatus.Unauthorized: return new MimecastAuthenticationException(status, message, http, code, apiMessage);
                case MimecastStatus.BindingExpired: return new MimecastBindingExpiredException(message, http, code, apiMessage);
                case MimecastStatus.RateLimited:
                    return new MimecastRateLimitedException(message, http, code, apiMessage,
                        retryAfterMs >= 0 ? TimeSpan.FromMilliseconds(retryAfterMs) : (TimeSpan?)null);
                case MimecastStatus.ApiFailure:
                case MimecastStatus.HttpError: return new MimecastApiException(status, message, http, code, apiMessage);
                case MimecastStatus.MalformedResponse:
                case MimecastStatus.ResponseTooLarge: return new MimecastResponseException(status, message, http);
                default: return new MimecastException(status, message, http, code, apiMessage);
            }
        }

        private static string? NullIfEmpty(string? s) => string.IsNullOrEmpty(s) ? null : s;
    }

    /// <summary>The credentials are malformed (for example a secret key that is not base64); nothing was sent.</summary>
    public class MimecastInvalidCredentialsException : MimecastException
    {
        /// <summary>Creates the exception.</summary>
        /// <param name="message">The message.</param>
        public MimecastInvalidCredentialsException(string message) : base(MimecastStatus.InvalidCredentials, message) { }
    }

    /// <summary>The client configuration is unusable: bad URL or region, insecure http://, unreadable file.</summary>
    public class MimecastConfigurationException : MimecastException
    {
        /// <summary>Creates the exception.</summary>
        /// <param name="status">InvalidUrl, InsecureUrl or IO.</param>
        /// <param name="message">The message.</param>
        public MimecastConfigurationException(MimecastStatus status, string message) : base(status, message) { }
    }

    /// <summary>The connection failed or broke before a complete response arrived.</summary>
    public class MimecastTransportException : MimecastException
    {
        /// <summary>Creates the exception.</summary>
        /// <param name="status">Transport, Tls or Timeout.</param>
        /// <param name="message">The message.</param>
        public MimecastTransportException(MimecastStatus status, string message) : base(status, message) { }
    }

    /// <summary>TLS failed, for example an untrusted certificate (see <see cref="MimecastClientOptions.CaBundlePath"/>).</summary>
    public class MimecastTlsException : MimecastTransportException
    {
        /// <summary>Creates the exception.</summary>
        /// <param name="message">The message.</param>
        public MimecastTlsException(string message) : base(MimecastStatus.Tls, message) { }
    }

    /// <summary>The connect timeout or the overall request timeout expired.</summary>
    public class MimecastTimeoutException : MimecastTransportException
    {
        /// <summary>Creates the exception.</summary>
        /// <param name="message">The message.</param>
        public MimecastTimeoutException(string message) : base(MimecastStatus.Timeout, message) { }
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
    }

    /// <summary>HTTP 418: the access key / secret key binding expired. Create new keys in the Mimecast console.</summary>
    public class MimecastBindingExpiredException : MimecastAuthenticationException
    {
        /// <summary>Creates the exception.</summary>
        /// <param name="message">The message.</param>
        /// <param name="httpStatus">The HTTP status.</param>
        /// <param name="errorCode">Mimecast's error code, or null.</param>
        /// <param name="apiMessage">Mimecast's error message, or null.</param>
        public MimecastBindingExpiredException(string message, int httpStatus, string? errorCode, string? apiMessage)
            : base(MimecastStatus.BindingExpired, message, httpStatus, errorCode, apiMessage) { }
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
    }
}
