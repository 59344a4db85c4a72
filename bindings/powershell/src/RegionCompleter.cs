using System;
using System.Collections;
using System.Collections.Generic;
using System.Management.Automation;
using System.Management.Automation.Language;

namespace Mimecast.Commands
{
    /// <summary>
    /// Completes -BaseUrl with the region names the library accepts: API 1.0 names, or API 2.0 names once -ClientId or
    /// -ClientCredential is on the command line. The names and URLs are those documented in include/mimecast.h
    /// (mc_client_new, mc_client_new_oauth); a test checks that the two lists agree.
    /// </summary>
    public sealed class RegionCompleter : IArgumentCompleter
    {
        /// <summary>API 1.0 regions (mc_client_new).</summary>
        internal static readonly (string Name, string Url, string Description)[] Api1 =
        {
            ("eu", "https://eu-api.mimecast.com", "Europe (except Germany)"),
            ("de", "https://de-api.mimecast.com", "Germany"),
            ("us", "https://us-api.mimecast.com", "United States"),
            ("usb", "https://usb-api.mimecast.com", "United States, grid B"),
            ("uspcom", "https://uspcom-api.mimecast-pscom-us.com", "United States public sector"),
            ("ca", "https://ca-api.mimecast.com", "Canada"),
            ("za", "https://za-api.mimecast.com", "South Africa"),
            ("au", "https://au-api.mimecast.com", "Australia"),
            ("offshore", "https://je-api.mimecast.com", "Offshore (Jersey)"),
        };

        /// <summary>API 2.0 regions (mc_client_new_oauth).</summary>
        internal static readonly (string Name, string Url, string Description)[] Api2 =
        {
            ("global", "https://api.services.mimecast.com", "API 2.0, global (default; fails over between regions)"),
            ("uk", "https://uk-api.services.mimecast.com", "API 2.0, United Kingdom"),
            ("us", "https://us-api.services.mimecast.com", "API 2.0, United States"),
        };

        /// <inheritdoc />
        public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete,
            CommandAst commandAst, IDictionary fakeBoundParameters)
        {
            bool oauth = fakeBoundParameters != null
                         && (fakeBoundParameters.Contains("ClientId") || fakeBoundParameters.Contains("ClientCredential"));
            var word = (wordToComplete ?? string.Empty).Trim('\'', '"');
            foreach (var (name, url, description) in oauth ? Api2 : Api1)
            {
                if (name.StartsWith(word, StringComparison.OrdinalIgnoreCase) || url.StartsWith(word, StringComparison.OrdinalIgnoreCase))
                    yield return new CompletionResult(name, name, CompletionResultType.ParameterValue, description + ": " + url);
            }
        }
    }
}
