using System;
using System.Collections.Generic;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;

namespace Mimecast
{
    /// <summary>
    /// What a <see cref="MimecastClient"/> does, as an interface so that code using it can be tested with a mock or a fake
    /// (and registered in a dependency-injection container). <see cref="MimecastClient"/> is the implementation; the
    /// members are documented there.
    /// </summary>
    public interface IMimecastClient : IDisposable
    {
        /// <summary>See <see cref="MimecastClient.GetAccount(System.Threading.CancellationToken)"/>.</summary>
        /// <param name="cancellationToken">Stops the call in flight.</param>
        /// <returns>The account.</returns>
        Account GetAccount(CancellationToken cancellationToken = default);

        /// <summary>See <see cref="MimecastClient.GetAccountAsync"/>.</summary>
        /// <param name="cancellationToken">Stops the call in flight.</param>
        /// <returns>The account.</returns>
        Task<Account> GetAccountAsync(CancellationToken cancellationToken = default);

        /// <summary>See <see cref="MimecastClient.Request"/>.</summary>
        /// <param name="path">The request path.</param>
        /// <param name="jsonBody">The JSON body, or null.</param>
        /// <param name="cancellationToken">Stops the call in flight.</param>
        /// <returns>The parsed response envelope.</returns>
        MimecastResponse Request(string path, string? jsonBody = null, CancellationToken cancellationToken = default);

        /// <summary>See <see cref="MimecastClient.RequestAsync"/>.</summary>
        /// <param name="path">The request path.</param>
        /// <param name="jsonBody">The JSON body, or null.</param>
        /// <param name="cancellationToken">Stops the call in flight.</param>
        /// <returns>The parsed response envelope.</returns>
        Task<MimecastResponse> RequestAsync(string path, string? jsonBody = null, CancellationToken cancellationToken = default);

        /// <summary>See <see cref="MimecastClient.RequestPage"/>.</summary>
        /// <param name="path">The request path.</param>
        /// <param name="jsonBody">The JSON body (without pagination), or null.</param>
        /// <param name="pageSize">Items per page; 0 = the server's default.</param>
        /// <param name="pageToken">The token of the page to fetch; null for the first page.</param>
        /// <param name="cancellationToken">Stops the call in flight.</param>
        /// <returns>The page.</returns>
        MimecastResponse RequestPage(string path, string? jsonBody = null, int pageSize = 0, string? pageToken = null,
            CancellationToken cancellationToken = default);

        /// <summary>See <see cref="MimecastClient.RequestPageAsync"/>.</summary>
        /// <param name="path">The request path.</param>
        /// <param name="jsonBody">The JSON body (without pagination), or null.</param>
        /// <param name="pageSize">Items per page; 0 = the server's default.</param>
        /// <param name="pageToken">The token of the page to fetch; null for the first page.</param>
        /// <param name="cancellationToken">Stops the call in flight.</param>
        /// <returns>The page.</returns>
        Task<MimecastResponse> RequestPageAsync(string path, string? jsonBody = null, int pageSize = 0, string? pageToken = null,
            CancellationToken cancellationToken = default);

        /// <summary>See <see cref="MimecastClient.Paginate"/>.</summary>
        /// <param name="path">The request path.</param>
        /// <param name="jsonBody">The JSON body (without pagination), or null.</param>
        /// <param name="pageSize">Items per page; 0 = the server's default.</param>
        /// <param name="cancellationToken">Checked per page and stops a fetch in flight.</param>
        /// <returns>The items of all pages.</returns>
        IEnumerable<JsonElement> Paginate(string path, string? jsonBody = null, int pageSize = 0, CancellationToken cancellationToken = default);

        /// <summary>See <see cref="MimecastClient.PaginateAsync"/>.</summary>
        /// <param name="path">The request path.</param>
        /// <param name="jsonBody">The JSON body (without pagination), or null.</param>
        /// <param name="pageSize">Items per page; 0 = the server's default.</param>
        /// <param name="cancellationToken">Stops the enumeration, a fetch in flight included.</param>
        /// <returns>The items of all pages.</returns>
        IAsyncEnumerable<JsonElement> PaginateAsync(string path, string? jsonBody = null, int pageSize = 0, CancellationToken cancellationToken = default);

        /// <summary>See <see cref="MimecastClient.Send"/>.</summary>
        /// <param name="request">The request.</param>
        /// <param name="cancellationToken">Stops the call in flight.</param>
        /// <returns>Status, headers and body.</returns>
        MimecastHttpResponse Send(MimecastRequest request, CancellationToken cancellationToken = default);

        /// <summary>See <see cref="MimecastClient.SendAsync"/>.</summary>
        /// <param name="request">The request.</param>
        /// <param name="cancellationToken">Stops the call in flight.</param>
        /// <returns>Status, headers and body.</returns>
        Task<MimecastHttpResponse> SendAsync(MimecastRequest request, CancellationToken cancellationToken = default);

        /// <summary>See <see cref="MimecastClient.Items(string, string?, int, string?, CancellationToken)"/>.</summary>
        /// <param name="path">The request path.</param>
        /// <param name="jsonBody">The JSON body (without pagination), or null.</param>
        /// <param name="pageSize">Items per page; 0 = the server's default.</param>
        /// <param name="itemsKey">The member that holds the list, or null for the default.</param>
        /// <param name="cancellationToken">Checked per item and stops a fetch in flight.</param>
        /// <returns>The items.</returns>
        IEnumerable<JsonElement> Items(string path, string? jsonBody = null, int pageSize = 0, string? itemsKey = null,
            CancellationToken cancellationToken = default);

        /// <summary>See <see cref="MimecastClient.Items(MimecastRequest, int, string?, CancellationToken)"/>.</summary>
        /// <param name="request">The request of the first page.</param>
        /// <param name="pageSize">Items per page; 0 = the server's default.</param>
        /// <param name="itemsKey">For an API 1.0 pull, the member that holds the list; null for the default.</param>
        /// <param name="cancellationToken">Checked per item and stops a fetch in flight.</param>
        /// <returns>The items.</returns>
        IEnumerable<JsonElement> Items(MimecastRequest request, int pageSize = 0, string? itemsKey = null,
            CancellationToken cancellationToken = default);

        /// <summary>See <see cref="MimecastClient.ItemsAsync(string, string?, int, string?, CancellationToken)"/>.</summary>
        /// <param name="path">The request path.</param>
        /// <param name="jsonBody">The JSON body (without pagination), or null.</param>
        /// <param name="pageSize">Items per page; 0 = the server's default.</param>
        /// <param name="itemsKey">The member that holds the list, or null for the default.</param>
        /// <param name="cancellationToken">Stops the enumeration, a fetch in flight included.</param>
        /// <returns>The items.</returns>
        IAsyncEnumerable<JsonElement> ItemsAsync(string path, string? jsonBody = null, int pageSize = 0, string? itemsKey = null,
            CancellationToken cancellationToken = default);

        /// <summary>See <see cref="MimecastClient.ItemsAsync(MimecastRequest, int, string?, CancellationToken)"/>.</summary>
        /// <param name="request">The request of the first page.</param>
        /// <param name="pageSize">Items per page; 0 = the server's default.</param>
        /// <param name="itemsKey">For an API 1.0 pull, the member that holds the list; null for the default.</param>
        /// <param name="cancellationToken">Stops the enumeration, a fetch in flight included.</param>
        /// <returns>The items.</returns>
        IAsyncEnumerable<JsonElement> ItemsAsync(MimecastRequest request, int pageSize = 0, string? itemsKey = null,
            CancellationToken cancellationToken = default);

        /// <summary>See <see cref="MimecastClient.Pages"/>.</summary>
        /// <param name="request">The request of the first page.</param>
        /// <param name="pageSize">Items per page; 0 = the server's default.</param>
        /// <param name="cancellationToken">Checked per page and stops a fetch in flight.</param>
        /// <returns>The pages.</returns>
        IEnumerable<MimecastResponse> Pages(MimecastRequest request, int pageSize = 0, CancellationToken cancellationToken = default);

        /// <summary>See <see cref="MimecastClient.PagesAsync"/>.</summary>
        /// <param name="request">The request of the first page.</param>
        /// <param name="pageSize">Items per page; 0 = the server's default.</param>
        /// <param name="cancellationToken">Stops the enumeration, a fetch in flight included.</param>
        /// <returns>The pages.</returns>
        IAsyncEnumerable<MimecastResponse> PagesAsync(MimecastRequest request, int pageSize = 0, CancellationToken cancellationToken = default);

        /// <summary>See <see cref="MimecastClient.OpenEventStream"/>.</summary>
        /// <param name="options">What to pull.</param>
        /// <returns>The stream.</returns>
        EventStream OpenEventStream(EventStreamOptions options);

        /// <summary>See <see cref="MimecastClient.Events"/>.</summary>
        /// <param name="options">What to pull.</param>
        /// <param name="cancellationToken">Stops a fetch in flight.</param>
        /// <returns>The events.</returns>
        IEnumerable<MimecastEvent> Events(EventStreamOptions options, CancellationToken cancellationToken = default);

        /// <summary>See <see cref="MimecastClient.EventsAsync"/>.</summary>
        /// <param name="options">What to pull.</param>
        /// <param name="cancellationToken">Stops the enumeration, a fetch in flight included.</param>
        /// <returns>The events.</returns>
        IAsyncEnumerable<MimecastEvent> EventsAsync(EventStreamOptions options, CancellationToken cancellationToken = default);

        /// <summary>See <see cref="MimecastClient.Sign"/>.</summary>
        /// <param name="path">The request path only.</param>
        /// <param name="date">The <c>x-mc-date</c> value; null = now.</param>
        /// <param name="requestId">The <c>x-mc-req-id</c> value; null = a fresh random UUID.</param>
        /// <returns>The header values.</returns>
        SignedHeaders Sign(string path, string? date = null, string? requestId = null);
    }
}
