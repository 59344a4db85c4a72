using System;
using System.Collections.Generic;
using System.Runtime.InteropServices;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using Mimecast.Native;
using System.Runtime.CompilerServices;

namespace Mimecast
{
    /// <summary>
    /// A Mimecast API client (API 1.0 keys or API 2.0 OAuth) over libmimecast: credentials, base URL and a keep-alive
    /// connection pool. Thread-safe: one client may be shared by many threads and tasks. Dispose it when done
    /// (the keys are wiped from native memory); using it after <see cref="Dispose"/> throws <see cref="ObjectDisposedException"/>.
    /// </summary>
    /// <remarks>
    /// Every call is synchronous and blocks for at most <see cref="MimecastClientOptions.Timeout"/> (times the retries
    /// allowed by <see cref="MimecastClientOptions.RetryBudget"/>). Each takes an optional <see cref="CancellationToken"/>
    /// that stops it in flight: the token raises a native cancellation flag attached to the calling thread, and the call
    /// returns within about 20 ms of the cancel, whatever it is waiting for (connecting, TLS, the answer, a retry back-off,
    /// an OAuth token), throwing <see cref="OperationCanceledException"/> with that token. The <c>*Async</c> methods run
    /// the same call on the thread pool with the token governing it there.
    /// </remarks>
    public sealed partial class MimecastClient : IMimecastClient
    {
        /// <summary>The environment variables <see cref="FromEnvironment"/> reads.</summary>
        private static readonly string[] EnvironmentVariables =
        {
            "MIMECAST_BASE_URL", "MIMECAST_APP_ID", "MIMECAST_APP_KEY", "MIMECAST_ACCESS_KEY", "MIMECAST_SECRET_KEY",
            "MIMECAST_CLIENT_ID", "MIMECAST_CLIENT_SECRET",
        };

        private readonly ClientHandle _handle;
        private int _disposed;

        /// <summary>
        /// Creates an API 1.0 client from the four keys of the Mimecast console. Nothing is sent yet.
        /// </summary>
        /// <param name="baseUrlOrRegion"><c>https://host[:port]</c> (e.g. <c>https://eu-api.mimecast.com</c>) or a region name:
        /// eu, de, us, usb, uspcom, ca, za, au, offshore.</param>
        /// <param name="appId">Application ID.</param>
        /// <param name="appKey">Application key.</param>
        /// <param name="accessKey">Access key.</param>
        /// <param name="secretKey">Secret key (base64).</param>
        /// <param name="options">Timeouts, TLS, retries, proxy, logging; null for the defaults.</param>
        /// <exception cref="ArgumentNullException">An argument is null.</exception>
        /// <exception cref="ArgumentException">An argument is empty or holds a NUL character.</exception>
        /// <exception cref="MimecastInvalidCredentialsException">The secret key is not base64.</exception>
        /// <exception cref="MimecastConfigurationException">Unknown region, not an http(s) URL, http:// to a remote host, unreadable CA bundle.</exception>
        public MimecastClient(string baseUrlOrRegion, string appId, string appKey, string accessKey, string secretKey,
            MimecastClientOptions? options = null)
        {
            var b = Utf8.Required(baseUrlOrRegion, nameof(baseUrlOrRegion));
            var id = Utf8.Required(appId, nameof(appId));
            var ak = Utf8.Required(appKey, nameof(appKey));
            var acc = Utf8.Required(accessKey, nameof(accessKey));
            var sk = Utf8.Required(secretKey, nameof(secretKey));
            try
            {
                _handle = CreateHandle(options, (OptionsHandle o, out ClientHandle h) => NativeMethods.mc_client_new(b, id, ak, acc, sk, o, out h));
            }
            finally
            {
                Array.Clear(ak, 0, ak.Length);
                Array.Clear(acc, 0, acc.Length);
                Array.Clear(sk, 0, sk.Length);
            }
        }

        private MimecastClient(ClientHandle handle)
        {
            _handle = handle;
        }

        /// <summary>
        /// Creates a client from environment variables: MIMECAST_CLIENT_ID + MIMECAST_CLIENT_SECRET (API 2.0; wins when set;
        /// MIMECAST_BASE_URL optional) or MIMECAST_BASE_URL, MIMECAST_APP_ID, MIMECAST_APP_KEY, MIMECAST_ACCESS_KEY,
        /// MIMECAST_SECRET_KEY (API 1.0).
        /// </summary>
        /// <remarks>
        /// The variables are read through .NET (<see cref="Environment.GetEnvironmentVariable(string)"/>) and handed to the
        /// native library, which applies the same rules as in every other language (mc_client_new_from_variables). On Linux
        /// and macOS, .NET keeps its own copy of the environment: variables set in-process with
        /// <c>Environment.SetEnvironmentVariable</c> or PowerShell's <c>$env:X = ...</c> are invisible to native getenv, but
        /// are seen here.
        /// </remarks>
        /// <param name="options">Timeouts, TLS, retries, proxy, logging; null for the defaults.</param>
        /// <exception cref="MimecastException">A variable is missing (<see cref="MimecastStatus.InvalidArgument"/>, naming it) or invalid.</exception>
        /// <exception cref="ArgumentException">A variable holds a NUL character or invalid Unicode.</exception>
        public static MimecastClient FromEnvironment(MimecastClientOptions? options = null)
        {
            NativeLibraryLoader.EnsureLoaded();
            int n = EnvironmentVariables.Length;
            var pins = new List<GCHandle>(2 * n);
            var secrets = new List<byte[]>(n);
            try
            {
                var names = new IntPtr[n];
                var values = new IntPtr[n];
                for (int i = 0; i < n; i++)
                {
                    names[i] = Pin(Utf8.ToNative(EnvironmentVariables[i], "name")!, pins);
                    var value = Utf8.ToNative(Environment.GetEnvironmentVariable(EnvironmentVariables[i]), EnvironmentVariables[i]);
                    if (value != null) secrets.Add(value);
                    values[i] = value == null ? IntPtr.Zero : Pin(value, pins);
                }
                return new MimecastClient(CreateHandle(options,
                    (OptionsHandle o, out ClientHandle h) => NativeMethods.mc_client_new_from_variables(names, values, (UIntPtr)n, o, out h)));
            }
            finally
            {
                foreach (var pin in pins) pin.Free();
                foreach (var bytes in secrets) Array.Clear(bytes, 0, bytes.Length);
            }
        }

        /// <summary>
        /// The request body; null or empty means none (<c>{"data":[]}</c>). PowerShell passes <c>$null</c> to a string
        /// parameter as "", so the two must mean the same.
        /// </summary>
        private static byte[]? Body(string? jsonBody) =>
            string.IsNullOrEmpty(jsonBody) ? null : Utf8.ToNative(jsonBody, nameof(jsonBody));

        private static IntPtr Pin(byte[] bytes, List<GCHandle> pins)
        {
            var handle = GCHandle.Alloc(bytes, GCHandleType.Pinned);
            pins.Add(handle);
            return handle.AddrOfPinnedObject();
        }

        /// <summary>
        /// Creates a client from a Postman environment export (JSON with <c>values: [{key, value, enabled}]</c>): keys such as
        /// ApplicationID/appId, ApplicationKey, AccessKey, SecretKey, baseUrl, or client_id/client_secret for API 2.0.
        /// </summary>
        /// <param name="path">Path of the exported file.</param>
        /// <param name="options">Timeouts, TLS, retries, proxy, logging; null for the defaults.</param>
        /// <exception cref="ArgumentException"><paramref name="path"/> is null or empty.</exception>
        /// <exception cref="MimecastConfigurationException">The file cannot be read (<see cref="MimecastStatus.IO"/>).</exception>
        /// <exception cref="MimecastException">A value is missing or invalid.</exception>
        public static MimecastClient FromPostmanEnvironment(string path, MimecastClientOptions? options = null)
        {
            var p = Utf8.Required(path, nameof(path));
            return new MimecastClient(CreateHandle(options, (OptionsHandle o, out ClientHandle h) => NativeMethods.mc_client_new_from_postman(p, o, out h)));
        }

        /// <summary>
        /// Creates an API 2.0 client (OAuth 2.0 client credentials). The token is fetched on first use, cached, and refreshed
        /// before expiry. <see cref="Sign"/> does not apply to such a client.
        /// </summary>
        /// <param name="clientId">Client id.</param>
        /// <param name="clientSecret">Client secret.</param>
        /// <param name="baseUrl">Null for <c>https://api.services.mimecast.com</c>; a region name (global, uk, us) or an https URL.</param>
        /// <param name="options">Timeouts, TLS, retries, proxy, logging; null for the defaults.</param>
        /// <exception cref="ArgumentException">An argument is null or empty.</exception>
        /// <exception cref="MimecastConfigurationException">The base URL is unusable.</exception>
        public static MimecastClient ForOAuth(string clientId, string clientSecret, string? baseUrl = null, MimecastClientOptions? options = null)
        {
            var id = Utf8.Required(clientId, nameof(clientId));
            var secret = Utf8.Required(clientSecret, nameof(clientSecret));
            if (baseUrl != null && baseUrl.Length == 0) throw new ArgumentException("The base URL must not be empty (pass null for the default).", nameof(baseUrl));
            var b = Utf8.ToNative(baseUrl, nameof(baseUrl));
            try
            {
                return new MimecastClient(CreateHandle(options, (OptionsHandle o, out ClientHandle h) => NativeMethods.mc_client_new_oauth(b, id, secret, o, out h)));
            }
            finally
            {
                Array.Clear(secret, 0, secret.Length);
            }
        }

        /// <summary>
        /// Finds the API base URL of the Mimecast account <paramref name="emailAddress"/> belongs to (e.g.
        /// <c>https://eu-api.mimecast.com</c>) the way Mimecast's own tools do: an unsigned
        /// <c>POST /api/login/discover-authentication</c> to <see cref="MimecastClientOptions.DiscoveryUrl"/> (by default
        /// Mimecast's global host). Blocks like any call (timeouts and retries from <paramref name="options"/>).
        /// </summary>
        /// <param name="emailAddress">An address of the account, e.g. an administrator's.</param>
        /// <param name="appId">The API 1.0 application id, sent when given.</param>
        /// <param name="options">Timeouts, proxy, CA bundle, discovery host; null for the defaults.</param>
        /// <returns>The base URL, ready for <see cref="MimecastClient(string, string, string, string, string, MimecastClientOptions?)"/>.</returns>
        /// <exception cref="MimecastApiFailureException">Mimecast knows no region for the address.</exception>
        /// <exception cref="MimecastMalformedResponseException">The answer names something other than a plain https base URL.</exception>
        /// <exception cref="MimecastInvalidArgumentException">The address does not look like user@domain.</exception>
        /// <param name="cancellationToken">Stops the call in flight (<see cref="OperationCanceledException"/>).</param>
        public static string DiscoverBaseUrl(string emailAddress, string? appId = null, MimecastClientOptions? options = null,
            CancellationToken cancellationToken = default)
        {
            var email = Utf8.Required(emailAddress, nameof(emailAddress));
            if (appId != null && appId.Length == 0) throw new ArgumentException("The application id must not be empty (pass null to send none).", nameof(appId));
            var id = Utf8.ToNative(appId, nameof(appId));
            NativeLibraryLoader.EnsureLoaded();
            var callback = MakeLogCallback(options);
            using var opts = NativeMethods.mc_options_new();
            if (opts.IsInvalid) throw new OutOfMemoryException("mc_options_new returned NULL.");
            Apply(opts, options, callback);
            var url = NativeCancellation.Run(() =>
            {
                Check(NativeMethods.mc_discover_base_url(email, id, opts, out IntPtr p));
                return p;
            }, cancellationToken);
            GC.KeepAlive(callback);
            return NativeMethods.TakeString(url) ?? string.Empty;
        }

        /// <summary>Runs <see cref="DiscoverBaseUrl"/> on the thread pool, <paramref name="cancellationToken"/> stopping it in flight.</summary>
        /// <param name="emailAddress">An address of the account.</param>
        /// <param name="appId">The API 1.0 application id, sent when given.</param>
        /// <param name="options">Timeouts, proxy, CA bundle, discovery host; null for the defaults.</param>
        /// <param name="cancellationToken">Stops the call in flight (<see cref="OperationCanceledException"/>).</param>
        /// <returns>The base URL.</returns>
        public static Task<string> DiscoverBaseUrlAsync(string emailAddress, string? appId = null, MimecastClientOptions? options = null,
            CancellationToken cancellationToken = default)
        {
            Utf8.Required(emailAddress, nameof(emailAddress));
            if (cancellationToken.IsCancellationRequested) return Task.FromCanceled<string>(cancellationToken);
            return Task.Run(() => DiscoverBaseUrl(emailAddress, appId, options, cancellationToken), cancellationToken);
        }

        /// <summary>
        /// Creates an API 1.0 client for the account <paramref name="emailAddress"/> belongs to: the base URL is found first
        /// with <see cref="DiscoverBaseUrl"/> (one unsigned request; this factory blocks for it).
        /// </summary>
        /// <param name="emailAddress">An address of the account.</param>
        /// <param name="appId">Application ID.</param>
        /// <param name="appKey">Application key.</param>
        /// <param name="accessKey">Access key.</param>
        /// <param name="secretKey">Secret key (base64).</param>
        /// <param name="options">Timeouts, TLS, retries, proxy, logging, discovery host; null for the defaults.</param>
        /// <param name="cancellationToken">Stops the discovery request in flight (<see cref="OperationCanceledException"/>).</param>
        /// <returns>The client.</returns>
        /// <exception cref="MimecastApiFailureException">Mimecast knows no region for the address.</exception>
        public static MimecastClient FromEmailAddress(string emailAddress, string appId, string appKey, string accessKey, string secretKey,
            MimecastClientOptions? options = null, CancellationToken cancellationToken = default)
        {
            var email = Utf8.Required(emailAddress, nameof(emailAddress));
            var id = Utf8.Required(appId, nameof(appId));
            var ak = Utf8.Required(appKey, nameof(appKey));
            var acc = Utf8.Required(accessKey, nameof(accessKey));
            var sk = Utf8.Required(secretKey, nameof(secretKey));
            try
            {
                return NativeCancellation.Run(() => new MimecastClient(CreateHandle(options,
                    (OptionsHandle o, out ClientHandle h) => NativeMethods.mc_client_new_discover(email, id, ak, acc, sk, o, out h))),
                    cancellationToken);
            }
            finally
            {
                Array.Clear(ak, 0, ak.Length);
                Array.Clear(acc, 0, acc.Length);
                Array.Clear(sk, 0, sk.Length);
            }
        }

        /// <summary>The native library's version (mc_version), e.g. <c>0.1.0</c>.</summary>
        public static string NativeVersion
        {
            get
            {
                NativeLibraryLoader.EnsureLoaded();
                return Utf8.PtrToString(NativeMethods.mc_version()) ?? string.Empty;
            }
        }

        /// <summary>Where the native library was loaded from (loading it if needed).</summary>
        public static string NativeLibraryPath
        {
            get
            {
                NativeLibraryLoader.EnsureLoaded();
                return NativeLibraryLoader.LoadedFrom ?? string.Empty;
            }
        }

        /// <summary>Calls Get Account (<c>/api/account/get-account</c>).</summary>
        /// <param name="cancellationToken">Stops the call in flight.</param>
        /// <returns>The account.</returns>
        /// <exception cref="ObjectDisposedException">The client was disposed.</exception>
        /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
        /// <exception cref="MimecastException">The call failed; the subclass says how.</exception>
        public Account GetAccount(CancellationToken cancellationToken = default)
        {
            var h = Handle();
            var account = NativeCancellation.Run(() =>
            {
                NativeMethods.Check(NativeMethods.mc_get_account(h, out IntPtr p));
                return p;
            }, cancellationToken);
            try
            {
                // The values the core read from the response: no second parse here.
                return Account.FromNative(Marshal.PtrToStructure<NativeAccount>(account));
            }
            finally
            {
                NativeMethods.mc_account_free(account);
            }
        }

        /// <summary>
        /// Runs <see cref="GetAccount"/> on the thread pool. <paramref name="cancellationToken"/> stops the native call in
        /// flight (within about 20 ms, in every phase); the task then throws <see cref="OperationCanceledException"/>
        /// carrying that token.
        /// </summary>
        /// <param name="cancellationToken">Stops the call in flight.</param>
        /// <returns>The account.</returns>
        public Task<Account> GetAccountAsync(CancellationToken cancellationToken = default) => RunAsync(GetAccount, cancellationToken);

        /// <summary>
        /// Calls any endpoint: POSTs <paramref name="jsonBody"/> (a JSON object; null sends <c>{"data":[]}</c>) to
        /// <paramref name="path"/>, authenticated. A non-empty <c>fail</c> array raises <see cref="MimecastApiException"/>.
        /// </summary>
        /// <param name="path">The request path, e.g. <c>/api/directory/find-groups</c> (never a full URL).</param>
        /// <param name="jsonBody">The JSON body, or null.</param>
        /// <param name="cancellationToken">Stops the call in flight.</param>
        /// <returns>The parsed response envelope.</returns>
        /// <exception cref="ArgumentException"><paramref name="path"/> is null or empty.</exception>
        /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
        /// <exception cref="MimecastException">The call failed; the subclass says how.</exception>
        public MimecastResponse Request(string path, string? jsonBody = null, CancellationToken cancellationToken = default)
        {
            var p = Utf8.Required(path, nameof(path));
            var body = Body(jsonBody);
            var h = Handle();
            return NativeCancellation.Run(() =>
            {
                NativeMethods.Check(NativeMethods.mc_request(h, p, body, out IntPtr response));
                int retries = NativeMethods.LastRetryCount();
                var json = NativeMethods.TakeString(response) ?? string.Empty;
                return MimecastResponse.Parse(json, null, retries);
            }, cancellationToken);
        }

        /// <summary>Runs <see cref="Request"/> on the thread pool; cancellation as in <see cref="GetAccountAsync"/>.</summary>
        /// <param name="path">The request path.</param>
        /// <param name="jsonBody">The JSON body, or null.</param>
        /// <param name="cancellationToken">Stops the call in flight.</param>
        /// <returns>The parsed response envelope.</returns>
        public Task<MimecastResponse> RequestAsync(string path, string? jsonBody = null, CancellationToken cancellationToken = default)
        {
            Utf8.Required(path, nameof(path));
            return RunAsync(ct => Request(path, jsonBody, ct), cancellationToken);
        }

        /// <summary>
        /// Fetches one page of a paged endpoint. <see cref="MimecastResponse.NextPageToken"/> is the token of the next page,
        /// null on the last page. A <c>fail</c> entry in the page raises <see cref="MimecastApiException"/>.
        /// </summary>
        /// <param name="path">The request path, e.g. <c>/api/audit/get-audit-events</c>.</param>
        /// <param name="jsonBody">The JSON body (without pagination, which is added), or null.</param>
        /// <param name="pageSize">Items per page; 0 = the server's default.</param>
        /// <param name="pageToken">The token of the page to fetch; null for the first page.</param>
        /// <param name="cancellationToken">Stops the call in flight.</param>
        /// <returns>The page.</returns>
        public MimecastResponse RequestPage(string path, string? jsonBody = null, int pageSize = 0, string? pageToken = null,
            CancellationToken cancellationToken = default)
        {
            var p = Utf8.Required(path, nameof(path));
            var body = Body(jsonBody);
            if (pageSize < 0) throw new ArgumentOutOfRangeException(nameof(pageSize), pageSize, "The page size must not be negative.");
            if (pageToken != null && pageToken.Length == 0) throw new ArgumentException("The page token must not be empty (null for the first page).", nameof(pageToken));
            var token = Utf8.ToNative(pageToken, nameof(pageToken));
            var h = Handle();
            return NativeCancellation.Run(() =>
            {
                NativeMethods.Check(NativeMethods.mc_request_page(h, p, body, (uint)pageSize, token, out IntPtr response, out IntPtr next));
                int retries = NativeMethods.LastRetryCount();
                var json = NativeMethods.TakeString(response) ?? string.Empty;
                var nextToken = NativeMethods.TakeString(next);
                return MimecastResponse.Parse(json, string.IsNullOrEmpty(nextToken) ? null : nextToken, retries);
            }, cancellationToken);
        }

        /// <summary>Runs <see cref="RequestPage"/> on the thread pool; cancellation as in <see cref="GetAccountAsync"/>.</summary>
        /// <param name="path">The request path.</param>
        /// <param name="jsonBody">The JSON body (without pagination), or null.</param>
        /// <param name="pageSize">Items per page; 0 = the server's default.</param>
        /// <param name="pageToken">The token of the page to fetch; null for the first page.</param>
        /// <param name="cancellationToken">Stops the call in flight.</param>
        /// <returns>The page.</returns>
        public Task<MimecastResponse> RequestPageAsync(string path, string? jsonBody = null, int pageSize = 0, string? pageToken = null,
            CancellationToken cancellationToken = default)
        {
            Utf8.Required(path, nameof(path));
            return RunAsync(ct => RequestPage(path, jsonBody, pageSize, pageToken, ct), cancellationToken);
        }

        /// <summary>
        /// Enumerates the items (<c>data</c> entries) of every page of a paged endpoint, fetching pages lazily and stopping
        /// after the last one (or a page with no data). A <c>fail</c> in any page raises <see cref="MimecastApiException"/>
        /// during enumeration. The pull is the native library's (mc_pager): a page token the server already sent in this
        /// pull raises <see cref="MimecastMalformedResponseException"/> instead of looping forever.
        /// </summary>
        /// <param name="path">The request path, e.g. <c>/api/audit/get-audit-events</c>.</param>
        /// <param name="jsonBody">The JSON body (without pagination), or null.</param>
        /// <param name="pageSize">Items per page; 0 = the server's default.</param>
        /// <param name="cancellationToken">Checked before each page and stops a page's fetch in flight.</param>
        /// <returns>The items of all pages.</returns>
        public IEnumerable<JsonElement> Paginate(string path, string? jsonBody = null, int pageSize = 0, CancellationToken cancellationToken = default)
        {
            var p = Utf8.Required(path, nameof(path));
            var body = Body(jsonBody);
            if (pageSize < 0) throw new ArgumentOutOfRangeException(nameof(pageSize), pageSize, "The page size must not be negative.");
            Handle();
            return PaginateIterator(p, body, (uint)pageSize, cancellationToken);
        }

        private IEnumerable<JsonElement> PaginateIterator(byte[] path, byte[]? body, uint pageSize, CancellationToken cancellationToken)
        {
            using var pager = NewPager(path, body, pageSize);
            for (var page = NextPage(pager, cancellationToken); page != null; page = NextPage(pager, cancellationToken))
                if (page.Data.ValueKind == JsonValueKind.Array)
                    foreach (var item in page.Data.EnumerateArray())
                        yield return item;
        }

        private PagerHandle NewPager(byte[] path, byte[]? body, uint pageSize)
        {
            var status = NativeMethods.mc_pager_new(Handle(), path, body, pageSize, out PagerHandle pager);
            if (status != MimecastStatus.Ok)
            {
                var e = MimecastException.FromLastError(status);
                pager.Dispose();
                throw e;
            }
            return pager;
        }

        /// <summary>The next page of a pull, or null when it is over. A disposed client ends the pull too.</summary>
        private MimecastResponse? NextPage(PagerHandle pager, CancellationToken cancellationToken)
        {
            Handle();
            return NativeCancellation.Run(() =>
            {
                NativeMethods.Check(NativeMethods.mc_pager_next(pager, out IntPtr page));
                int retries = NativeMethods.LastRetryCount();
                var json = NativeMethods.TakeString(page);
                return json == null ? null : MimecastResponse.Parse(json, null, retries);
            }, cancellationToken);
        }

        /// <summary>
        /// As <see cref="Paginate"/>, fetching each page on the thread pool; the token stops a fetch in flight.
        /// </summary>
        /// <param name="path">The request path.</param>
        /// <param name="jsonBody">The JSON body (without pagination), or null.</param>
        /// <param name="pageSize">Items per page; 0 = the server's default.</param>
        /// <param name="cancellationToken">Stops the enumeration, a page's fetch in flight included.</param>
        /// <returns>The items of all pages.</returns>
        public IAsyncEnumerable<JsonElement> PaginateAsync(string path, string? jsonBody = null, int pageSize = 0,
            CancellationToken cancellationToken = default)
        {
            var p = Utf8.Required(path, nameof(path));
            var body = Body(jsonBody);
            if (pageSize < 0) throw new ArgumentOutOfRangeException(nameof(pageSize), pageSize, "The page size must not be negative.");
            Handle();
            return PaginateAsyncIterator(p, body, (uint)pageSize, cancellationToken);
        }

        private async IAsyncEnumerable<JsonElement> PaginateAsyncIterator(byte[] path, byte[]? body, uint pageSize,
            [EnumeratorCancellation] CancellationToken cancellationToken)
        {
            using var pager = NewPager(path, body, pageSize);
            while (true)
            {
                // One page at a time: a pager is used by one thread at a time.
                var page = await RunAsync(ct => NextPage(pager, ct), cancellationToken).ConfigureAwait(false);
                if (page == null) yield break;
                if (page.Data.ValueKind == JsonValueKind.Array)
                    foreach (var item in page.Data.EnumerateArray())
                        yield return item;
            }
        }

        /// <summary>
        /// Sends any request (<see cref="MimecastRequest"/>: method, path, query, headers, body), signed (API 1.0) or with
        /// the bearer token (API 2.0), and returns the whole answer. What counts as a failure depends on the request's
        /// <see cref="MimecastRequest.ResponseMode"/>: with Json (the default) every failure Mimecast reports (a <c>fail</c>
        /// entry, <c>meta.status</c> of 400 or more under HTTP 200, an API 2.0 <c>error</c> object, an HTTP error) throws,
        /// with Any other 2xx bodies (a zip, a CSV or STIX feed) are returned as they are, with Raw any answer is returned.
        /// </summary>
        /// <param name="request">The request.</param>
        /// <param name="cancellationToken">Stops the call in flight.</param>
        /// <returns>Status, headers and body.</returns>
        /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
        /// <exception cref="MimecastException">The call failed; the subclass says how.</exception>
        public MimecastHttpResponse Send(MimecastRequest request, CancellationToken cancellationToken = default)
        {
            if (request == null) throw new ArgumentNullException(nameof(request));
            var h = Handle();
            using var call = request.ToNative();
            var response = NativeCancellation.Run(() =>
            {
                NativeMethods.Check(NativeMethods.mc_send(h, call, out IntPtr p));
                return p;
            }, cancellationToken);
            try
            {
                var r = Marshal.PtrToStructure<NativeResponse>(response);
                var pairs = new KeyValuePair<string, string>[(int)r.HeadersLen];
                int size = Marshal.SizeOf<NativeHeader>();
                for (int i = 0; i < pairs.Length; i++)
                {
                    var header = Marshal.PtrToStructure<NativeHeader>(r.Headers + i * size);
                    pairs[i] = new KeyValuePair<string, string>(Utf8.PtrToString(header.Name) ?? "", Utf8.PtrToString(header.Value) ?? "");
                }
                var body = new byte[checked((int)r.BodyLen)];
                if (body.Length > 0) Marshal.Copy(r.Body, body, 0, body.Length);
                return new MimecastHttpResponse(r.HttpStatus, new MimecastResponseHeaders(pairs), body, (int)Math.Min(r.Retries, int.MaxValue));
            }
            finally
            {
                NativeMethods.mc_response_free(response);
            }
        }

        /// <summary>Runs <see cref="Send"/> on the thread pool; cancellation as in <see cref="GetAccountAsync"/>.</summary>
        /// <param name="request">The request.</param>
        /// <param name="cancellationToken">Stops the call in flight.</param>
        /// <returns>Status, headers and body.</returns>
        public Task<MimecastHttpResponse> SendAsync(MimecastRequest request, CancellationToken cancellationToken = default)
        {
            if (request == null) throw new ArgumentNullException(nameof(request));
            return RunAsync(ct => Send(request, ct), cancellationToken);
        }

        /// <summary>
        /// Enumerates every item of every page of an API 1.0 paged endpoint: the <c>data</c> items, or, for the log endpoints
        /// that wrap their list (<c>/api/ttp/url/get-logs</c> -&gt; <c>clickLogs</c>, attachment and impersonation logs,
        /// archive search logs), the log entries themselves. Pages are fetched lazily; a page without items ends the pull.
        /// </summary>
        /// <param name="path">The request path, e.g. <c>/api/ttp/url/get-logs</c>.</param>
        /// <param name="jsonBody">The JSON body (without pagination, which is added), or null.</param>
        /// <param name="pageSize">Items per page; 0 = the server's default.</param>
        /// <param name="itemsKey">The member of each data item that holds the list, for endpoints the library does not know; null for the default.</param>
        /// <param name="cancellationToken">Checked before each item and stops a page's fetch in flight.</param>
        /// <returns>The items.</returns>
        public IEnumerable<JsonElement> Items(string path, string? jsonBody = null, int pageSize = 0, string? itemsKey = null,
            CancellationToken cancellationToken = default)
        {
            var p = Utf8.Required(path, nameof(path));
            var body = Body(jsonBody);
            var key = ItemsKey(itemsKey);
            var size = PageSize(pageSize);
            Handle();
            return ItemIterator(() => NewPager(p, body, size), key, cancellationToken);
        }

        /// <summary>
        /// Enumerates every item of a pull over any request: a POST pages as an API 1.0 envelope (its JSON body gets
        /// <c>meta.pagination</c>; log lists unwrapped as in <see cref="Items(string, string?, int, string?, CancellationToken)"/>), a GET as
        /// API 2.0 REST (<c>pageSize</c> and the <c>nextPage</c> cursor added to the query; the items are each page's
        /// <c>value</c>; the pull ends when the answer says <c>isCaughtUp</c>).
        /// </summary>
        /// <param name="request">The request of the first page.</param>
        /// <param name="pageSize">Items per page; 0 = the server's default.</param>
        /// <param name="itemsKey">For an API 1.0 pull, the member of each data item that holds the list; null for the default.</param>
        /// <param name="cancellationToken">Checked before each item and stops a page's fetch in flight.</param>
        /// <returns>The items.</returns>
        public IEnumerable<JsonElement> Items(MimecastRequest request, int pageSize = 0, string? itemsKey = null,
            CancellationToken cancellationToken = default)
        {
            if (request == null) throw new ArgumentNullException(nameof(request));
            var key = ItemsKey(itemsKey);
            var size = PageSize(pageSize);
            Handle();
            return ItemIterator(() => NewPager(request, size), key, cancellationToken);
        }

        /// <summary>
        /// Enumerates the pages of a pull over any request (see <see cref="Items(MimecastRequest, int, string?, CancellationToken)"/>), each
        /// page's whole answer parsed: an API 1.0 envelope, or an API 2.0 page whose <c>@nextPage</c> is the cursor to keep.
        /// <see cref="MimecastResponse.NextPageToken"/> is not set on these pages: read <c>@nextPage</c> or
        /// <c>meta.pagination.next</c> from <see cref="MimecastResponse.Root"/>.
        /// </summary>
        /// <param name="request">The request of the first page.</param>
        /// <param name="pageSize">Items per page; 0 = the server's default.</param>
        /// <param name="cancellationToken">Checked before each page and stops a page's fetch in flight.</param>
        /// <returns>The pages.</returns>
        public IEnumerable<MimecastResponse> Pages(MimecastRequest request, int pageSize = 0, CancellationToken cancellationToken = default)
        {
            if (request == null) throw new ArgumentNullException(nameof(request));
            var size = PageSize(pageSize);
            Handle();
            return PageIterator(request, size, cancellationToken);
        }

        /// <summary>As <see cref="Pages"/>, fetching each page on the thread pool; the token stops a fetch in flight.</summary>
        /// <param name="request">The request of the first page.</param>
        /// <param name="pageSize">Items per page; 0 = the server's default.</param>
        /// <param name="cancellationToken">Stops the enumeration, a page's fetch in flight included.</param>
        /// <returns>The pages.</returns>
        public IAsyncEnumerable<MimecastResponse> PagesAsync(MimecastRequest request, int pageSize = 0, CancellationToken cancellationToken = default)
        {
            if (request == null) throw new ArgumentNullException(nameof(request));
            var size = PageSize(pageSize);
            Handle();
            return PageAsyncIterator(request, size, cancellationToken);
        }

        private IEnumerable<MimecastResponse> PageIterator(MimecastRequest request, uint pageSize, CancellationToken cancellationToken)
        {
            using var pager = NewPager(request, pageSize);
            for (var page = NextPage(pager, cancellationToken); page != null; page = NextPage(pager, cancellationToken))
                yield return page;
        }

        private async IAsyncEnumerable<MimecastResponse> PageAsyncIterator(MimecastRequest request, uint pageSize,
            [EnumeratorCancellation] CancellationToken cancellationToken)
        {
            using var pager = NewPager(request, pageSize);
            while (true)
            {
                var page = await RunAsync(ct => NextPage(pager, ct), cancellationToken).ConfigureAwait(false);
                if (page == null) yield break;
                yield return page;
            }
        }

        private IEnumerable<JsonElement> ItemIterator(Func<PagerHandle> newPager, byte[]? itemsKey, CancellationToken cancellationToken)
        {
            using var pager = newPager();
            SetItemsKey(pager, itemsKey);
            for (var item = NextItem(pager, cancellationToken); item != null; item = NextItem(pager, cancellationToken))
                yield return item.Value;
        }

        private static uint PageSize(int pageSize)
        {
            if (pageSize < 0) throw new ArgumentOutOfRangeException(nameof(pageSize), pageSize, "The page size must not be negative.");
            return (uint)pageSize;
        }

        private static byte[]? ItemsKey(string? itemsKey)
        {
            if (itemsKey != null && itemsKey.Length == 0) throw new ArgumentException("The items key must not be empty (null for the default).", nameof(itemsKey));
            return Utf8.ToNative(itemsKey, nameof(itemsKey));
        }

        private PagerHandle NewPager(MimecastRequest request, uint pageSize)
        {
            using var call = request.ToNative();
            var status = NativeMethods.mc_pager_new_call(Handle(), call, pageSize, out PagerHandle pager);
            if (status != MimecastStatus.Ok)
            {
                var e = MimecastException.FromLastError(status);
                pager.Dispose();
                throw e;
            }
            return pager;
        }

        private static void SetItemsKey(PagerHandle pager, byte[]? itemsKey)
        {
            if (itemsKey != null) NativeMethods.Check(NativeMethods.mc_pager_set_items_key(pager, itemsKey));
        }

        /// <summary>The next item of a pull, or null when it is over. A disposed client ends the pull too.</summary>
        private JsonElement? NextItem(PagerHandle pager, CancellationToken cancellationToken)
        {
            Handle();
            var json = NativeCancellation.Run(() =>
            {
                NativeMethods.Check(NativeMethods.mc_pager_next_item(pager, out IntPtr item));
                return NativeMethods.TakeString(item);
            }, cancellationToken);
            if (json == null) return null;
            try
            {
                using var doc = JsonDocument.Parse(json, MimecastResponse.JsonOptions);
                return doc.RootElement.Clone();
            }
            catch (JsonException e)
            {
                throw new MimecastMalformedResponseException("An item is not valid JSON: " + e.Message);
            }
        }

        /// <summary>As <see cref="Items(string, string?, int, string?, CancellationToken)"/>, fetching each page on the thread pool; the token stops a fetch in flight.</summary>
        /// <param name="path">The request path.</param>
        /// <param name="jsonBody">The JSON body (without pagination), or null.</param>
        /// <param name="pageSize">Items per page; 0 = the server's default.</param>
        /// <param name="itemsKey">The member that holds the list, or null for the default.</param>
        /// <param name="cancellationToken">Stops the enumeration, a page's fetch in flight included.</param>
        /// <returns>The items.</returns>
        public IAsyncEnumerable<JsonElement> ItemsAsync(string path, string? jsonBody = null, int pageSize = 0, string? itemsKey = null,
            CancellationToken cancellationToken = default)
        {
            var p = Utf8.Required(path, nameof(path));
            var body = Body(jsonBody);
            var key = ItemsKey(itemsKey);
            var size = PageSize(pageSize);
            Handle();
            return ItemAsyncIterator(() => NewPager(p, body, size), key, cancellationToken);
        }

        /// <summary>As <see cref="Items(MimecastRequest, int, string?, CancellationToken)"/>, fetching each page on the thread pool; the token stops a fetch in flight.</summary>
        /// <param name="request">The request of the first page.</param>
        /// <param name="pageSize">Items per page; 0 = the server's default.</param>
        /// <param name="itemsKey">For an API 1.0 pull, the member that holds the list; null for the default.</param>
        /// <param name="cancellationToken">Stops the enumeration, a page's fetch in flight included.</param>
        /// <returns>The items.</returns>
        public IAsyncEnumerable<JsonElement> ItemsAsync(MimecastRequest request, int pageSize = 0, string? itemsKey = null,
            CancellationToken cancellationToken = default)
        {
            if (request == null) throw new ArgumentNullException(nameof(request));
            var key = ItemsKey(itemsKey);
            var size = PageSize(pageSize);
            Handle();
            return ItemAsyncIterator(() => NewPager(request, size), key, cancellationToken);
        }

        private async IAsyncEnumerable<JsonElement> ItemAsyncIterator(Func<PagerHandle> newPager, byte[]? itemsKey,
            [EnumeratorCancellation] CancellationToken cancellationToken)
        {
            using var pager = newPager();
            SetItemsKey(pager, itemsKey);
            while (true)
            {
                // One call at a time: a pager is used by one thread at a time.
                var item = await RunAsync(ct => NextItem(pager, ct), cancellationToken).ConfigureAwait(false);
                if (item == null) yield break;
                yield return item.Value;
            }
        }

        /// <summary>
        /// Signs an API 1.0 request without sending it, for callers with their own HTTP code.
        /// </summary>
        /// <param name="path">The request path only (e.g. <c>/api/account/get-account</c>), never the full URL.</param>
        /// <param name="date">The <c>x-mc-date</c> value (e.g. <c>Tue, 24 Nov 2015 12:50:11 UTC</c>); null = now.</param>
        /// <param name="requestId">The <c>x-mc-req-id</c> value; null = a fresh random UUID.</param>
        /// <returns>The header values.</returns>
        /// <exception cref="MimecastException"><see cref="MimecastStatus.Unsupported"/> on an OAuth client.</exception>
        public SignedHeaders Sign(string path, string? date = null, string? requestId = null)
        {
            var p = Utf8.Required(path, nameof(path));
            if (date != null && date.Length == 0) throw new ArgumentException("The date must not be empty (null for now).", nameof(date));
            if (requestId != null && requestId.Length == 0) throw new ArgumentException("The request id must not be empty (null for a fresh one).", nameof(requestId));
            var d = Utf8.ToNative(date, nameof(date));
            var r = Utf8.ToNative(requestId, nameof(requestId));
            var h = Handle();
            NativeMethods.Check(NativeMethods.mc_sign(h, p, d, r, out IntPtr headers));
            try
            {
                var n = Marshal.PtrToStructure<NativeSignedHeaders>(headers);
                return new SignedHeaders(
                    Utf8.PtrToString(n.Authorization) ?? string.Empty,
                    Utf8.PtrToString(n.Date) ?? string.Empty,
                    Utf8.PtrToString(n.RequestId) ?? string.Empty,
                    Utf8.PtrToString(n.AppId) ?? string.Empty);
            }
            finally
            {
                NativeMethods.mc_signed_headers_free(headers);
            }
        }

        /// <summary>True once <see cref="Dispose"/> was called.</summary>
        public bool IsDisposed => Volatile.Read(ref _disposed) != 0;

        /// <summary>Frees the native client and wipes its keys. Calls in flight on other threads finish first. Safe to call twice.</summary>
        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
            _handle.Dispose();
        }

        /// <summary>A description without any secret.</summary>
        public override string ToString() => IsDisposed ? "MimecastClient (disposed)" : "MimecastClient";

        private ClientHandle Handle()
        {
            if (Volatile.Read(ref _disposed) != 0 || _handle.IsClosed)
                throw new ObjectDisposedException(nameof(MimecastClient));
            return _handle;
        }

        /// <summary>
        /// Runs a blocking call on the thread pool, handing it the token: the call attaches the native flag on the pool
        /// thread it runs on, so a cancel stops it in flight, and the task ends as cancelled with that token.
        /// </summary>
        private Task<T> RunAsync<T>(Func<CancellationToken, T> call, CancellationToken cancellationToken)
        {
            // Failures come out through the task, as from an async method.
            if (cancellationToken.IsCancellationRequested) return Task.FromCanceled<T>(cancellationToken);
            if (IsDisposed) return Task.FromException<T>(new ObjectDisposedException(nameof(MimecastClient)));
            return Task.Run(() => call(cancellationToken), cancellationToken);
        }

        private delegate MimecastStatus Factory(OptionsHandle options, out ClientHandle handle);

        /// <summary>Builds native options, runs the factory, frees the options, and returns the new client's handle.</summary>
        private static ClientHandle CreateHandle(MimecastClientOptions? options, Factory factory)
        {
            NativeLibraryLoader.EnsureLoaded();
            var callback = MakeLogCallback(options);
            using var opts = NativeMethods.mc_options_new();
            if (opts.IsInvalid) throw new OutOfMemoryException("mc_options_new returned NULL.");
            Apply(opts, options, callback);
            var st = factory(opts, out ClientHandle handle);
            if (st != MimecastStatus.Ok)
            {
                var ex = MimecastException.FromLastError(st);
                handle?.Dispose();
                throw ex;
            }
            handle.LogCallback = callback;
            return handle;
        }

        private static NativeLogCallback? MakeLogCallback(MimecastClientOptions? options)
        {
            var logger = options?.Logger;
            if (logger == null) return null;
            return (IntPtr userData, MimecastLogLevel level, IntPtr message) =>
            {
                try { logger(level, Utf8.PtrToString(message) ?? string.Empty); }
                catch { /* never let an exception unwind into native code */ }
            };
        }

        private static uint Milliseconds(TimeSpan value, string name)
        {
            var ms = Math.Ceiling(value.TotalMilliseconds);
            if (ms <= 0 || ms > uint.MaxValue)
                throw new ArgumentOutOfRangeException("options", value, name + " must be positive and at most " + uint.MaxValue + " ms.");
            return (uint)ms;
        }

        private static void Check(MimecastStatus status) => NativeMethods.Check(status);

        private static void Apply(OptionsHandle o, MimecastClientOptions? options, NativeLogCallback? callback)
        {
            if (options == null) return;
            if (options.Timeout is TimeSpan t) Check(NativeMethods.mc_options_set_timeout_ms(o, Milliseconds(t, "Timeout")));
            if (options.ConnectTimeout is TimeSpan ct) Check(NativeMethods.mc_options_set_connect_timeout_ms(o, Milliseconds(ct, "ConnectTimeout")));
            if (options.AllowInsecureHttp) Check(NativeMethods.mc_options_set_allow_insecure_http(o, true));
            if (options.CaBundlePath != null)
            {
                if (options.CaBundlePath.Length == 0) throw new ArgumentException("CaBundlePath must not be empty.", "options");
                Check(NativeMethods.mc_options_set_ca_bundle(o, Utf8.ToNative(options.CaBundlePath, "options")));
            }
            if (options.MaxResponseBytes is long max)
            {
                if (max <= 0) throw new ArgumentOutOfRangeException("options", max, "MaxResponseBytes must be positive.");
                Check(NativeMethods.mc_options_set_max_response_bytes(o, (ulong)max));
            }
            if (options.MaxRetries != null || options.RetryBudget != null)
            {
                int retries = options.MaxRetries ?? 3;
                if (retries < 0) throw new ArgumentOutOfRangeException("options", retries, "MaxRetries must not be negative.");
                uint budget = options.RetryBudget is TimeSpan rb ? Milliseconds(rb, "RetryBudget") : 60000u;
                Check(NativeMethods.mc_options_set_retry(o, (uint)retries, budget));
            }
            if (options.RetryAfterSend)
                Check(NativeMethods.mc_options_set_retry_after_send(o, true));
            if (options.Proxy != null)
                Check(NativeMethods.mc_options_set_proxy(o, Utf8.ToNative(options.Proxy, "options")));
            if (options.DiscoveryUrl != null)
                Check(NativeMethods.mc_options_set_discovery_url(o, Utf8.ToNative(options.DiscoveryUrl, "options")));
            if (callback != null)
            {
                var level = options.LogLevel;
                if (level < MimecastLogLevel.Error || level > MimecastLogLevel.Debug)
                    throw new ArgumentOutOfRangeException("options", level, "LogLevel must be Error, Warn, Info or Debug.");
                Check(NativeMethods.mc_options_set_log_callback(o, callback, IntPtr.Zero, (uint)level));
            }
        }
    }
}
