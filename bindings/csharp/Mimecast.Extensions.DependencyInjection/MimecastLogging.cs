using System;
using Microsoft.Extensions.Logging;

namespace Mimecast.Extensions.DependencyInjection
{
    /// <summary>Sends the native library's log lines (secrets already redacted) to a <see cref="ILogger"/>.</summary>
    public static class MimecastLogging
    {
        /// <summary>The event id of every libmimecast line.</summary>
        public static readonly EventId NativeEvent = new EventId(1, "libmimecast");

        /// <summary>
        /// Routes this client's log lines to <paramref name="logger"/>: <see cref="MimecastClientOptions.Logger"/> calls it,
        /// and <see cref="MimecastClientOptions.LogLevel"/> is the most detailed level the logger has enabled now (so the
        /// library does not format lines nobody reads). Each line is checked again against the logger's filters, so a
        /// filter changed later is honoured for anything less detailed than that level.
        /// </summary>
        /// <param name="options">The client options to change.</param>
        /// <param name="logger">Where the lines go.</param>
        /// <returns><paramref name="options"/>.</returns>
        public static MimecastClientOptions UseLogger(this MimecastClientOptions options, ILogger logger)
        {
            if (options == null) throw new ArgumentNullException(nameof(options));
            if (logger == null) throw new ArgumentNullException(nameof(logger));
            options.LogLevel = logger.IsEnabled(LogLevel.Debug) ? MimecastLogLevel.Debug
                : logger.IsEnabled(LogLevel.Information) ? MimecastLogLevel.Info
                : logger.IsEnabled(LogLevel.Warning) ? MimecastLogLevel.Warn
                : MimecastLogLevel.Error;
            options.Logger = (level, message) =>
            {
                var l = ToLogLevel(level);
                if (logger.IsEnabled(l)) logger.Log(l, NativeEvent, message, null, (m, _) => m);
            };
            return options;
        }

        /// <summary>The <see cref="LogLevel"/> of a native level.</summary>
        /// <param name="level">The native level.</param>
        /// <returns>The ILogger level.</returns>
        public static LogLevel ToLogLevel(MimecastLogLevel level) => level switch
        {
            MimecastLogLevel.Error => LogLevel.Error,
            MimecastLogLevel.Warn => LogLevel.Warning,
            MimecastLogLevel.Info => LogLevel.Information,
            _ => LogLevel.Debug,
        };
    }
}
