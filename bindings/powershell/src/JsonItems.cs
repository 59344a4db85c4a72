using System.Globalization;
using System.Management.Automation;
using System.Numerics;
using System.Text.Json;

namespace Mimecast.Commands
{
    /// <summary>
    /// Turns the items of a response's data array, already parsed once by the library (System.Text.Json), into PowerShell
    /// objects without parsing the text again: objects become PSCustomObjects (the top level ones with the type name
    /// Mimecast.ApiItem), arrays object[], integers long (BigInteger beyond), other numbers double, strings stay strings
    /// (dates are not guessed, on every PowerShell version).
    /// </summary>
    internal static class JsonItems
    {
        /// <summary>The type name given to each item written by Invoke-MimecastApi.</summary>
        internal const string ItemTypeName = "Mimecast.ApiItem";

        /// <summary>One item of data, as the object Invoke-MimecastApi writes.</summary>
        internal static object? ToItem(JsonElement element)
        {
            var value = ToObject(element);
            if (value is PSObject pso) pso.TypeNames.Insert(0, ItemTypeName);
            return value;
        }

        internal static object? ToObject(JsonElement e)
        {
            switch (e.ValueKind)
            {
                case JsonValueKind.Object:
                    var pso = new PSObject();
                    foreach (var p in e.EnumerateObject())
                    {
                        // JSON allows a repeated name; like ConvertFrom-Json, the last one wins.
                        var existing = pso.Properties[p.Name];
                        if (existing != null) pso.Properties.Remove(p.Name);
                        pso.Properties.Add(new PSNoteProperty(p.Name, ToObject(p.Value)));
                    }
                    return pso;
                case JsonValueKind.Array:
                    var list = new object?[e.GetArrayLength()];
                    int i = 0;
                    foreach (var item in e.EnumerateArray()) list[i++] = ToObject(item);
                    return list;
                case JsonValueKind.String: return e.GetString();
                case JsonValueKind.Number: return Number(e);
                case JsonValueKind.True: return true;
                case JsonValueKind.False: return false;
                default: return null;
            }
        }

        private static object Number(JsonElement e)
        {
            if (e.TryGetInt64(out var l)) return l;
            var text = e.GetRawText();
            if (text.IndexOfAny(new[] { '.', 'e', 'E' }) < 0
                && BigInteger.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var big))
                return big;
            // Beyond double's range: keep the number's text rather than fail the whole response.
            return e.TryGetDouble(out var d) && !double.IsInfinity(d) ? d : (object)text;
        }
    }
}
