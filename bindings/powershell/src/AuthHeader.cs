using System;
using System.Collections;

namespace Mimecast
{
    /// <summary>
    /// The signed headers of one API 1.0 request (Get-MimecastAuthHeader): a dictionary to pass to
    /// <c>Invoke-RestMethod -Headers</c> or <c>Invoke-WebRequest -Headers</c>, with keys Authorization, x-mc-date,
    /// x-mc-req-id, x-mc-app-id, Content-Type and Accept (case-insensitive, like a PowerShell hashtable).
    /// </summary>
    /// <remarks>
    /// The Authorization value holds the access key and the signature. It is never displayed: the format views show it
    /// redacted, <see cref="ToString"/> leaves it out, and no public property returns it (a property list such as
    /// <c>Format-List *</c> shows only the public ones). Read it on purpose with <c>$h['Authorization']</c>.
    /// </remarks>
    public sealed class AuthHeader : IDictionary
    {
        /// <summary>What the format views show instead of the Authorization value.</summary>
        public const string Redacted = "MC <redacted>";

        private readonly Hashtable _headers = new Hashtable(StringComparer.OrdinalIgnoreCase);
        private readonly object _syncRoot = new object();

        internal AuthHeader(SignedHeaders signed)
        {
            foreach (var pair in signed.ToDictionary()) _headers[pair.Key] = pair.Value;
            Date = signed.Date;
            RequestId = signed.RequestId;
            ApplicationId = signed.AppId;
        }

        /// <summary>The x-mc-date value that was signed.</summary>
        public string Date { get; }

        /// <summary>The x-mc-req-id value that was signed.</summary>
        public string RequestId { get; }

        /// <summary>The x-mc-app-id value.</summary>
        public string ApplicationId { get; }

        /// <summary>The header names.</summary>
        public ICollection Keys => _headers.Keys;

        /// <summary>How many headers there are.</summary>
        public int Count => _headers.Count;

        /// <summary>A header value by name (case-insensitive); null when absent. Headers may be added or replaced.</summary>
        public object? this[object key]
        {
            get => _headers[key];
            set => _headers[key] = value;
        }

        /// <summary>True when the header is present.</summary>
        public bool ContainsKey(object key) => _headers.ContainsKey(key);

        /// <summary>Adds a header (an error if it is present).</summary>
        public void Add(object key, object? value) => _headers.Add(key, value);

        /// <summary>Removes a header, for example Content-Type for hosts that take it only from -ContentType.</summary>
        public void Remove(object key) => _headers.Remove(key);

        /// <summary>Enumerates the headers (name and value).</summary>
        public IDictionaryEnumerator GetEnumerator() => _headers.GetEnumerator();

        /// <summary>A description without the Authorization value.</summary>
        public override string ToString() =>
            "Authorization: " + Redacted + "; x-mc-date: " + Date + "; x-mc-req-id: " + RequestId + "; x-mc-app-id: " + ApplicationId;

        // The rest of IDictionary, explicitly. PowerShell 7 still lists explicit interface properties in Format-List *:
        // Mimecast.types.ps1xml shadows Values, which would show the Authorization value.
        ICollection IDictionary.Values => _headers.Values;
        bool IDictionary.IsReadOnly => false;
        bool IDictionary.IsFixedSize => false;
        bool ICollection.IsSynchronized => false;
        // Not the inner table: PowerShell lists interface properties too, and would display its entries.
        object ICollection.SyncRoot => _syncRoot;
        void IDictionary.Clear() => _headers.Clear();
        bool IDictionary.Contains(object key) => _headers.Contains(key);
        void ICollection.CopyTo(Array array, int index) => _headers.CopyTo(array, index);
        IEnumerator IEnumerable.GetEnumerator() => _headers.GetEnumerator();
    }
}
