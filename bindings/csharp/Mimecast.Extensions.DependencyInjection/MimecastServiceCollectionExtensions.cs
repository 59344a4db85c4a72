using System;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Mimecast.Extensions.DependencyInjection
{
    /// <summary>Registers a Mimecast client in an <see cref="IServiceCollection"/>.</summary>
    public static class MimecastServiceCollectionExtensions
    {
        /// <summary>
        /// Registers <see cref="IMimecastClient"/> (and <see cref="MimecastClient"/>) as a singleton made from
        /// <see cref="MimecastOptions"/> bound to <paramref name="configuration"/> (typically
        /// <c>configuration.GetSection("Mimecast")</c>), logging through <c>ILogger&lt;MimecastClient&gt;</c>. The options
        /// are validated when the client is first resolved (or at start-up with <c>ValidateOnStart</c>). The container
        /// disposes the client.
        /// </summary>
        /// <param name="services">The services.</param>
        /// <param name="configuration">The configuration section holding the options.</param>
        /// <returns>The options builder, for more configuration or validation.</returns>
        public static OptionsBuilder<MimecastOptions> AddMimecast(this IServiceCollection services, IConfiguration configuration)
        {
            if (configuration == null) throw new ArgumentNullException(nameof(configuration));
            return services.AddMimecast().Bind(configuration);
        }

        /// <summary>As <see cref="AddMimecast(IServiceCollection, IConfiguration)"/>, configured in code.</summary>
        /// <param name="services">The services.</param>
        /// <param name="configure">Sets the options.</param>
        /// <returns>The options builder.</returns>
        public static OptionsBuilder<MimecastOptions> AddMimecast(this IServiceCollection services, Action<MimecastOptions> configure)
        {
            if (configure == null) throw new ArgumentNullException(nameof(configure));
            return services.AddMimecast().Configure(configure);
        }

        /// <summary>Registers the client; configure <see cref="MimecastOptions"/> through the returned builder.</summary>
        /// <param name="services">The services.</param>
        /// <returns>The options builder.</returns>
        public static OptionsBuilder<MimecastOptions> AddMimecast(this IServiceCollection services)
        {
            if (services == null) throw new ArgumentNullException(nameof(services));
            services.TryAddSingleton(sp =>
            {
                var options = sp.GetRequiredService<IOptions<MimecastOptions>>().Value;
                var loggerFactory = sp.GetService<ILoggerFactory>() ?? NullLoggerFactory.Instance;
                var clientOptions = options.ToClientOptions().UseLogger(loggerFactory.CreateLogger<MimecastClient>());
                return options.CreateClient(clientOptions);
            });
            services.TryAddSingleton<IMimecastClient>(sp => sp.GetRequiredService<MimecastClient>());
            services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<MimecastOptions>, Validator>());
            return services.AddOptions<MimecastOptions>();
        }

        /// <summary>Says which settings are missing (names only, never values).</summary>
        private sealed class Validator : IValidateOptions<MimecastOptions>
        {
            public ValidateOptionsResult Validate(string? name, MimecastOptions options)
            {
                var problem = options.Problem();
                return problem == null ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problem);
            }
        }
    }
}
