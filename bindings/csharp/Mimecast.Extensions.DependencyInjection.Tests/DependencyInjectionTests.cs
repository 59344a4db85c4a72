using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Linq;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Mimecast.Extensions.DependencyInjection;
using Mimecast.Tests;
using Xunit;

namespace Mimecast.Extensions.DependencyInjection.Tests
{
    /// <summary>AddMimecast with options bound from configuration, and the native log through ILogger, against the emulator.</summary>
    public sealed class DependencyInjectionTests : EmulatorTests
    {
        public DependencyInjectionTests(EmulatorFixture fixture) : base(fixture) { }

        private IConfiguration Config(Dictionary<string, string?> values) =>
            new ConfigurationBuilder().AddInMemoryCollection(values).Build().GetSection(MimecastOptions.SectionName);

        private Dictionary<string, string?> Api1() => new Dictionary<string, string?>
        {
            ["Mimecast:BaseUrl"] = Emu.BaseUrl,
            ["Mimecast:AppId"] = Emulator.AppId,
            ["Mimecast:AppKey"] = Emulator.AppKey,
            ["Mimecast:AccessKey"] = Emulator.AccessKey,
            ["Mimecast:SecretKey"] = Emulator.SecretKey,
            ["Mimecast:Timeout"] = "00:00:30",
            ["Mimecast:MaxRetries"] = "5",
        };

        private static ServiceProvider Provider(IConfiguration config, CapturingLoggerProvider? logs = null, LogLevel min = LogLevel.Debug)
        {
            var services = new ServiceCollection();
            services.AddLogging(b =>
            {
                b.SetMinimumLevel(min);
                if (logs != null) b.AddProvider(logs);
            });
            services.AddMimecast(config);
            return services.BuildServiceProvider();
        }

        [Fact]
        public void AnApi1ClientFromConfiguration()
        {
            using var sp = Provider(Config(Api1()));
            var options = sp.GetRequiredService<IOptions<MimecastOptions>>().Value;
            Assert.Equal(TimeSpan.FromSeconds(30), options.Timeout);
            Assert.Equal(5, options.MaxRetries);
            Assert.False(options.IsOAuth);
            var client = sp.GetRequiredService<IMimecastClient>();
            Assert.Same(client, sp.GetRequiredService<MimecastClient>());
            Assert.Same(client, sp.GetRequiredService<IMimecastClient>());
            Assert.Equal("Exämple Corp Ltd", client.GetAccount().AccountName);
        }

        [Fact]
        public void AnApi2ClientFromConfiguration()
        {
            var config = Config(new Dictionary<string, string?>
            {
                ["Mimecast:BaseUrl"] = Emu.BaseUrl,
                ["Mimecast:ClientId"] = Emulator.ClientId,
                ["Mimecast:ClientSecret"] = Emulator.ClientSecret,
            });
            using var sp = Provider(config);
            var tokens = Emu.Tokens();
            Assert.Equal("Exämple Corp Ltd", sp.GetRequiredService<IMimecastClient>().GetAccount().AccountName);
            Assert.Equal(tokens + 1, Emu.Tokens());
        }

        [Fact]
        public void MissingSettingsAreNamedNeverTheirValues()
        {
            var values = Api1();
            values.Remove("Mimecast:AccessKey");
            values.Remove("Mimecast:AppId");
            using var sp = Provider(Config(values));
            var e = Assert.Throws<OptionsValidationException>(() => sp.GetRequiredService<IMimecastClient>());
            Assert.Contains("AppId, AccessKey", e.Message);
            Assert.DoesNotContain(Emulator.SecretKey, e.Message);
            Assert.DoesNotContain(Emulator.AppKey, e.Message);
            var oauth = Config(new Dictionary<string, string?> { ["Mimecast:ClientId"] = "id" });
            using var sp2 = Provider(oauth);
            Assert.Contains("ClientSecret", Assert.Throws<OptionsValidationException>(() => sp2.GetRequiredService<IMimecastClient>()).Message);
        }

        [Fact]
        public void TheContainerDisposesTheClient()
        {
            MimecastClient client;
            using (var sp = Provider(Config(Api1())))
                client = sp.GetRequiredService<MimecastClient>();
            Assert.True(client.IsDisposed);
        }

        [Fact]
        public void NativeLogLinesReachILoggerWithoutSecrets()
        {
            var logs = new CapturingLoggerProvider();
            using (var sp = Provider(Config(Api1()), logs))
            {
                var client = sp.GetRequiredService<IMimecastClient>();
                client.GetAccount();
                Emu.Fault("rate_limited", 1, new { reset_ms = 10 });
                client.GetAccount();
            }
            var lines = logs.Records.ToList();
            Assert.NotEmpty(lines);
            Assert.All(lines, r => Assert.Equal(typeof(MimecastClient).FullName, r.Category));
            Assert.All(lines, r => Assert.Equal(MimecastLogging.NativeEvent, r.EventId));
            Assert.Contains(lines, r => r.Level == LogLevel.Debug); // the library was told the logger wants Debug
            Assert.Contains(lines, r => r.Level == LogLevel.Warning && r.Message.Length > 0); // the retry after the 429
            foreach (var secret in new[] { Emulator.SecretKey, Emulator.AppKey, Emulator.AccessKey })
                Assert.DoesNotContain(lines, r => r.Message.Contains(secret));
        }

        [Fact]
        public void TheLoggersLevelDecidesWhatTheLibrarySends()
        {
            var logs = new CapturingLoggerProvider();
            using (var sp = Provider(Config(Api1()), logs, LogLevel.Warning))
            {
                var client = sp.GetRequiredService<IMimecastClient>();
                client.GetAccount();
                Assert.Empty(logs.Records);
                Emu.Fault("rate_limited", 1, new { reset_ms = 10 });
                client.GetAccount(); // retried after the 429: a warning
            }
            Assert.NotEmpty(logs.Records);
            Assert.All(logs.Records, r => Assert.True(r.Level >= LogLevel.Warning, r.Level + ": " + r.Message));
        }

        [Fact]
        public void LevelsMapOneToOne()
        {
            Assert.Equal(LogLevel.Error, MimecastLogging.ToLogLevel(MimecastLogLevel.Error));
            Assert.Equal(LogLevel.Warning, MimecastLogging.ToLogLevel(MimecastLogLevel.Warn));
            Assert.Equal(LogLevel.Information, MimecastLogging.ToLogLevel(MimecastLogLevel.Info));
            Assert.Equal(LogLevel.Debug, MimecastLogging.ToLogLevel(MimecastLogLevel.Debug));
        }
    }

    public sealed record LogRecord(string Category, LogLevel Level, EventId EventId, string Message);

    /// <summary>Keeps every record; what the container's filters let through.</summary>
    public sealed class CapturingLoggerProvider : ILoggerProvider
    {
        public ConcurrentQueue<LogRecord> Records { get; } = new ConcurrentQueue<LogRecord>();

        public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

        public void Dispose() { }

        private sealed class Logger : ILogger
        {
            private readonly CapturingLoggerProvider _owner;
            private readonly string _category;

            public Logger(CapturingLoggerProvider owner, string category)
            {
                _owner = owner;
                _category = category;
            }

            public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => true;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
                _owner.Records.Enqueue(new LogRecord(_category, logLevel, eventId, formatter(state, exception)));
        }
    }
}
