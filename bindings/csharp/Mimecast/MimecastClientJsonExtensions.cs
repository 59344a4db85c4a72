using System;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;

namespace Mimecast
{
    /// <summary>
    /// Typed helpers over <see cref="IMimecastClient"/> for callers who would rather not handle raw JSON: bodies are
    /// serialized and answers deserialized with System.Text.Json. Extension methods, so a mock of the interface gets them
    /// too. <c>options</c> null means System.Text.Json's defaults, as in <see cref="MimecastRequest.WithJson{T}"/> and
    /// <see cref="MimecastHttpResponse.GetJson{T}"/>; pass <c>new JsonSerializerOptions(JsonSerializerDefaults.Web)</c>
    /// for Mimecast's camelCase names without attributes.
    /// </summary>
    public static class MimecastClientJsonExtensions
    {
        /// <summary>
        /// Calls an API 1.0 endpoint (as <see cref="IMimecastClient.Request"/>) and returns the envelope's <c>data</c>
        /// deserialized as <typeparamref name="T"/> (for most endpoints a list: <c>List&lt;MyItem&gt;</c>).
        /// </summary>
        /// <typeparam name="T">The type of <c>data</c>.</typeparam>
        /// <param name="client">The client.</param>
        /// <param name="path">The request path, e.g. <c>/api/directory/find-groups</c>.</param>
        /// <param name="body">The whole JSON body as an object (e.g. <c>new { data = new[] { new { query = "sales" } } }</c>),
        /// a string of JSON text sent as it is, or null for none.</param>
        /// <param name="options">Serializer options for the body and the answer, or null for the defaults.</param>
        /// <param name="cancellationToken">Stops the call in flight.</param>
        /// <returns>The data.</returns>
        /// <exception cref="MimecastMalformedResponseException"><c>data</c> does not have the shape of <typeparamref name="T"/>.</exception>
        public static T? Request<T>(this IMimecastClient client, string path, object? body = null, JsonSerializerOptions? options = null,
            CancellationToken cancellationToken = default)
        {
            if (client == null) throw new ArgumentNullException(nameof(client));
            return DataAs<T>(client.Request(path, BodyText(body, options), cancellationToken), options);
        }

        /// <summary>As <see cref="Request{T}"/>, on the thread pool; the token stops the call in flight.</summary>
        /// <typeparam name="T">The type of <c>data</c>.</typeparam>
        /// <param name="client">The client.</param>
        /// <param name="path">The request path.</param>
        /// <param name="body">The JSON body as an object, a string of JSON text, or null.</param>
        /// <param name="options">Serializer options, or null for the defaults.</param>
        /// <param name="cancellationToken">Stops the call in flight.</param>
        /// <returns>The data.</returns>
        public static async Task<T?> RequestAsync<T>(this IMimecastClient client, string path, object? body = null,
            JsonSerializerOptions? options = null, CancellationToken cancellationToken = default)
        {
            if (client == null) throw new ArgumentNullException(nameof(client));
            var text = BodyText(body, options);
            return DataAs<T>(await client.RequestAsync(path, text, cancellationToken).ConfigureAwait(false), options);
        }

        /// <summary>
        /// Sends any request (as <see cref="IMimecastClient.Send"/>) and returns the answer's body deserialized as
        /// <typeparamref name="T"/> (for API 2.0, the whole answer, e.g. a page with <c>value</c> and <c>@nextPage</c>).
        /// </summary>
        /// <typeparam name="T">The type of the answer.</typeparam>
        /// <param name="client">The client.</param>
        /// <param name="request">The request (<see cref="MimecastRequest.WithJson{T}"/> sets a typed body).</param>
        /// <param name="options">Serializer options for the answer, or null for the defaults.</param>
        /// <param name="cancellationToken">Stops the call in flight.</param>
        /// <returns>The answer.</returns>
        /// <exception cref="MimecastMalformedResponseException">The body is not JSON of that shape.</exception>
        public static T? Send<T>(this IMimecastClient client, MimecastRequest request, JsonSerializerOptions? options = null,
            CancellationToken cancellationToken = default)
        {
            if (client == null) throw new ArgumentNullException(nameof(client));
            return client.Send(request, cancellationToken).GetJson<T>(options);
        }

        /// <summary>As <see cref="Send{T}"/>, on the thread pool; the token stops the call in flight.</summary>
        /// <typeparam name="T">The type of the answer.</typeparam>
        /// <param name="client">The client.</param>
        /// <param name="request">The request.</param>
        /// <param name="options">Serializer options for the answer, or null for the defaults.</param>
        /// <param name="cancellationToken">Stops the call in flight.</param>
        /// <returns>The answer.</returns>
        public static async Task<T?> SendAsync<T>(this IMimecastClient client, MimecastRequest request, JsonSerializerOptions? options = null,
            CancellationToken cancellationToken = default)
        {
            if (client == null) throw new ArgumentNullException(nameof(client));
            return (await client.SendAsync(request, cancellationToken).ConfigureAwait(false)).GetJson<T>(options);
        }

        private static string? BodyText(object? body, JsonSerializerOptions? options) => body switch
        {
            null => null,
            string text => text,
            _ => JsonSerializer.Serialize(body, body.GetType(), options),
        };

        private static T? DataAs<T>(MimecastResponse response, JsonSerializerOptions? options)
        {
            try
            {
                return response.Data.ValueKind == JsonValueKind.Undefined ? default : response.Data.Deserialize<T>(options);
            }
            catch (JsonException e)
            {
                throw new MimecastMalformedResponseException("The response's data does not have the expected shape: " + e.Message);
            }
        }
    }
}
