using System;
using System.Collections;
using System.Collections.Generic;
using System.Management.Automation;
using System.Management.Automation.Language;

namespace Mimecast.Commands
{
    /// <summary>
    /// Completes -Path with well-known Mimecast API endpoints: those whose prefix matches what was typed, then those that
    /// merely contain it (typing "group" offers every group endpoint). Any other path can still be typed in full.
    /// </summary>
    public sealed class ApiPathCompleter : IArgumentCompleter
    {
        /// <summary>Well-known endpoints (API 1.0 paths, also served on the API 2.0 host), sorted.</summary>
        internal static readonly string[] KnownPaths =
        {
            "/api/account/get-account",
            "/api/account/get-dashboard-notifications",
            "/api/account/get-support-info",
            "/api/archive/get-message-list",
            "/api/archive/search",
            "/api/audit/get-audit-events",
            "/api/audit/get-siem-logs",
            "/api/directory/add-group-member",
            "/api/directory/create-group",
            "/api/directory/find-groups",
            "/api/directory/get-group-members",
            "/api/directory/remove-group-member",
            "/api/domain/get-internal-domain",
            "/api/gateway/get-hold-message-list",
            "/api/gateway/hold-release",
            "/api/login/discover-authentication",
            "/api/login/login",
            "/api/managedsender/permit-or-block-sender",
            "/api/message-finder/get-message-info",
            "/api/message-finder/search",
            "/api/policy/blockedsenders/get-policy",
            "/api/ttp/attachment/get-logs",
            "/api/ttp/impersonation/get-logs",
            "/api/ttp/threat-intel/get-feed",
            "/api/ttp/url/decode-url",
            "/api/ttp/url/get-all-managed-urls",
            "/api/ttp/url/get-logs",
            "/api/user/get-internal-users",
        };

        /// <inheritdoc />
        public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete,
            CommandAst commandAst, IDictionary fakeBoundParameters)
        {
            var word = (wordToComplete ?? string.Empty).Trim('\'', '"');
            var contained = new List<string>();
            foreach (var path in KnownPaths)
            {
                if (path.StartsWith(word, StringComparison.OrdinalIgnoreCase))
                    yield return Result(path);
                else if (word.Length > 0 && path.IndexOf(word, StringComparison.OrdinalIgnoreCase) >= 0)
                    contained.Add(path);
            }
            foreach (var path in contained) yield return Result(path);
        }

        private static CompletionResult Result(string path) =>
            new CompletionResult(path, path, CompletionResultType.ParameterValue, "POST " + path);
    }
}
