using System;
using System.Collections;
using System.Collections.Generic;
using System.Management.Automation;
using System.Management.Automation.Language;

namespace Mimecast.Commands
{
    /// <summary>
    /// Completes -Method with the methods the library sends (mc_call_new in include/mimecast.h); a test checks that the
    /// library accepts each one.
    /// </summary>
    public sealed class MethodCompleter : IArgumentCompleter
    {
        /// <summary>The methods, with what Mimecast uses them for.</summary>
        internal static readonly (string Name, string Description)[] Methods =
        {
            ("GET", "read: API 2.0 REST endpoints (sent without asking, even under -WhatIf)"),
            ("POST", "API 1.0 endpoints (the default)"),
            ("PUT", "replace a resource"),
            ("PATCH", "change part of a resource"),
            ("DELETE", "remove a resource"),
        };

        /// <inheritdoc />
        public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete,
            CommandAst commandAst, IDictionary fakeBoundParameters)
        {
            var word = (wordToComplete ?? string.Empty).Trim('\'', '"');
            foreach (var (name, description) in Methods)
                if (name.StartsWith(word, StringComparison.OrdinalIgnoreCase))
                    yield return new CompletionResult(name, name, CompletionResultType.ParameterValue, description);
        }
    }
}
