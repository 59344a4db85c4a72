using System;
using System.Collections;
using System.Globalization;
using System.IO;
using System.Management.Automation;
using System.Text;
using System.Text.Json;

namespace Mimecast.Commands
{
    /// <summary>
    /// Writes -Data as the request body <c>{"data":[...]}</c>: hashtables and objects (PSCustomObject, Import-Csv rows,
    /// .NET objects) become JSON objects of their properties, collections become arrays. Written directly with
    /// System.Text.Json, so the result is the same on Windows PowerShell 5.1 and PowerShell 7 (ConvertTo-Json differs).
    /// </summary>
    internal static class JsonBody
    {
        /// <summary>How deep objects may nest; deeper input is refused rather than cut short (ConvertTo-Json truncates).</summary>
        internal const int MaxDepth = 20;

        /// <summary>The body for <paramref name="items"/>: each one is an entry of the data array.</summary>
        internal static string Build(IList items)
        {
            using var stream = new MemoryStream();
            using (var writer = new Utf8JsonWriter(stream))
            {
                writer.WriteStartObject();
                writer.WriteStartArray("data");
                foreach (var item in items) WriteValue(writer, item, 1);
                writer.WriteEndArray();
                writer.WriteEndObject();
            }
            return Encoding.UTF8.GetString(stream.ToArray());
        }

        /// <summary>
        /// -Data as the list of data entries: null is none, a single object is one entry, a collection (array, list) is
        /// one entry per element.
        /// </summary>
        internal static IList Entries(object? data)
        {
            var value = Unwrap(data);
            if (value == null) return Array.Empty<object>();
            if (value is IEnumerable e && !(value is string) && !(value is IDictionary))
            {
                var list = new ArrayList();
                foreach (var item in e) list.Add(item);
                return list;
            }
            return new[] { data };
        }

        /// <summary>The names of the top-level properties of a data entry, for -WhatIf and -Verbose (never the values).</summary>
        internal static string DescribeKeys(object? entry)
        {
            var value = Unwrap(entry);
            if (value is IDictionary d)
            {
                var names = new ArrayList();
                foreach (var k in d.Keys) names.Add(Convert.ToString(k, CultureInfo.InvariantCulture));
                return string.Join(", ", (string[])names.ToArray(typeof(string)));
            }
            if (value == null || IsScalar(value)) return "a value";
            var sb = new StringBuilder();
            foreach (var p in PSObject.AsPSObject(entry).Properties)
            {
                if (!IsDataProperty(p)) continue;
                if (sb.Length > 0) sb.Append(", ");
                sb.Append(p.Name);
            }
            return sb.ToString();
        }

        private static object? Unwrap(object? value)
        {
            while (value is PSObject pso && !(pso.BaseObject is PSCustomObject))
            {
                if (ReferenceEquals(pso.BaseObject, pso)) break;
                value = pso.BaseObject;
            }
            return value;
        }

        private static bool IsScalar(object value) =>
            value is string || value is char || value is bool || value is Enum || value is Guid || value is Uri
            || value is DateTime || value is DateTimeOffset || value is TimeSpan || value.GetType().IsPrimitive || value is decimal
            || value is System.Numerics.BigInteger;

        private static bool IsDataProperty(PSPropertyInfo p) =>
            p.IsGettable && (p.MemberType == PSMemberTypes.NoteProperty || p.MemberType == PSMemberTypes.Property
                             || p.MemberType == PSMemberTypes.ScriptProperty || p.MemberType == PSMemberTypes.AliasProperty
                             || p.MemberType == PSMemberTypes.CodeProperty);

        private static void WriteValue(Utf8JsonWriter w, object? input, int depth)
        {
            if (depth > MaxDepth)
                throw new ArgumentException("-Data nests deeper than " + MaxDepth + " levels (or refers to itself).");
            var value = Unwrap(input);
            switch (value)
            {
                case null: w.WriteNullValue(); return;
                case string s: w.WriteStringValue(s); return;
                case char c: w.WriteStringValue(c.ToString()); return;
                case bool b: w.WriteBooleanValue(b); return;
                case Enum en: w.WriteStringValue(en.ToString()); return;
                case DateTime dt: w.WriteStringValue(FormatDate(new DateTimeOffset(dt.Kind == DateTimeKind.Unspecified ? DateTime.SpecifyKind(dt, DateTimeKind.Local) : dt))); return;
                case DateTimeOffset dto: w.WriteStringValue(FormatDate(dto)); return;
                case Guid g: w.WriteStringValue(g.ToString()); return;
                case Uri u: w.WriteStringValue(u.OriginalString); return;
                case TimeSpan ts: w.WriteStringValue(ts.ToString("c", CultureInfo.InvariantCulture)); return;
                case System.Security.SecureString _:
                    throw new ArgumentException("-Data contains a SecureString: convert the value you mean to send to text first.");
                case sbyte _: case byte _: case short _: case ushort _: case int _: case uint _: case long _:
                    w.WriteNumberValue(Convert.ToInt64(value, CultureInfo.InvariantCulture)); return;
                case ulong ul: w.WriteNumberValue(ul); return;
                case decimal m: w.WriteNumberValue(m); return;
                case float f: WriteDouble(w, f); return;
                case double d: WriteDouble(w, d); return;
                case System.Numerics.BigInteger bi:
                    w.WriteRawValue(bi.ToString(CultureInfo.InvariantCulture)); return;
                case IDictionary dict:
                    w.WriteStartObject();
                    foreach (DictionaryEntry entry in dict)
                    {
                        w.WritePropertyName(Convert.ToString(entry.Key, CultureInfo.InvariantCulture) ?? "");
                        WriteValue(w, entry.Value, depth + 1);
                    }
                    w.WriteEndObject();
                    return;
                case IEnumerable seq:
                    w.WriteStartArray();
                    foreach (var item in seq) WriteValue(w, item, depth + 1);
                    w.WriteEndArray();
                    return;
            }
            // Any other object (PSCustomObject, an Import-Csv row, a .NET object): its properties.
            w.WriteStartObject();
            foreach (var p in PSObject.AsPSObject(input).Properties)
            {
                if (!IsDataProperty(p)) continue;
                object? v;
                try { v = p.Value; }
                catch (GetValueException) { continue; }
                w.WritePropertyName(p.Name);
                WriteValue(w, v, depth + 1);
            }
            w.WriteEndObject();
        }

        private static void WriteDouble(Utf8JsonWriter w, double d)
        {
            if (double.IsNaN(d) || double.IsInfinity(d))
                throw new ArgumentException("-Data contains " + d.ToString(CultureInfo.InvariantCulture) + ", which JSON cannot represent.");
            w.WriteNumberValue(d);
        }

        /// <summary>Dates as Mimecast's API documents them: ISO 8601 with the offset, e.g. 2015-11-16T14:49:18+0000.</summary>
        internal static string FormatDate(DateTimeOffset value) =>
            value.ToString("yyyy-MM-dd'T'HH:mm:ss", CultureInfo.InvariantCulture)
            + (value.Offset < TimeSpan.Zero ? "-" : "+")
            + value.Offset.Duration().ToString("hhmm", CultureInfo.InvariantCulture);
    }
}
