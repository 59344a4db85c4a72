using System;
using System.Management.Automation;
using System.Net;
using System.Security;

namespace Mimecast.Commands
{
    /// <summary>Connect-Mimecast: creates a client and keeps it as this session's connection.</summary>
    [Cmdlet(VerbsCommunications.Connect, "Mimecast", DefaultParameterSetName = KeysSet)]
    [OutputType(typeof(Connection))]
    public sealed class ConnectMimecastCommand : MimecastCmdlet
    {
        private const string KeysSet = "Keys";
        private const string KeysCredentialSet = "KeysCredential";
        private const string EnvironmentSet = "Environment";
        private const string PostmanSet = "Postman";
        private const string OAuthSet = "OAuth";
        private const string OAuthCredentialSet = "OAuthCredential";
        private const string DiscoverKeysSet = "DiscoverKeys";
        private const string DiscoverCredentialSet = "DiscoverCredential";

        /// <summary>Base URL or region name.</summary>
        [Parameter(Mandatory = true, ParameterSetName = KeysSet, Position = 0)]
        [Parameter(Mandatory = true, ParameterSetName = KeysCredentialSet, Position = 0)]
        [Parameter(ParameterSetName = OAuthSet)]
        [Parameter(ParameterSetName = OAuthCredentialSet)]
        [ValidateNotNullOrEmpty]
        [ArgumentCompleter(typeof(RegionCompleter))]
        public string BaseUrl { get; set; } = null!;

        /// <summary>An address of the account: its base URL is found with Find-MimecastRegion first.</summary>
        [Parameter(Mandatory = true, ParameterSetName = DiscoverKeysSet)]
        [Parameter(Mandatory = true, ParameterSetName = DiscoverCredentialSet)]
        [ValidateNotNullOrEmpty]
        public string EmailAddress { get; set; } = null!;

        /// <summary>The host that answers discovery.</summary>
        [Parameter(ParameterSetName = DiscoverKeysSet)]
        [Parameter(ParameterSetName = DiscoverCredentialSet)]
        [ValidateNotNullOrEmpty]
        public string DiscoveryUrl { get; set; } = null!;

        /// <summary>API 1.0 application id.</summary>
        [Parameter(Mandatory = true, ParameterSetName = KeysSet)]
        [Parameter(Mandatory = true, ParameterSetName = KeysCredentialSet)]
        [Parameter(Mandatory = true, ParameterSetName = DiscoverKeysSet)]
        [Parameter(Mandatory = true, ParameterSetName = DiscoverCredentialSet)]
        [ValidateNotNullOrEmpty]
        public string ApplicationId { get; set; } = null!;

        /// <summary>API 1.0 application key.</summary>
        [Parameter(Mandatory = true, ParameterSetName = KeysSet)]
        [Parameter(Mandatory = true, ParameterSetName = KeysCredentialSet)]
        [Parameter(Mandatory = true, ParameterSetName = DiscoverKeysSet)]
        [Parameter(Mandatory = true, ParameterSetName = DiscoverCredentialSet)]
        [ValidateNotNullOrEmpty]
        public string ApplicationKey { get; set; } = null!;

        /// <summary>API 1.0 access key.</summary>
        [Parameter(Mandatory = true, ParameterSetName = KeysSet)]
        [Parameter(Mandatory = true, ParameterSetName = DiscoverKeysSet)]
        [ValidateNotNullOrEmpty]
        public string AccessKey { get; set; } = null!;

        /// <summary>API 1.0 secret key.</summary>
        [Parameter(Mandatory = true, ParameterSetName = KeysSet)]
        [Parameter(Mandatory = true, ParameterSetName = DiscoverKeysSet)]
        [ValidateNotNull]
        public SecureString SecretKey { get; set; } = null!;

        /// <summary>Access key (user name) and secret key (password).</summary>
        [Parameter(Mandatory = true, ParameterSetName = KeysCredentialSet)]
        [Parameter(Mandatory = true, ParameterSetName = DiscoverCredentialSet)]
        [ValidateNotNull]
        [Credential]
        public PSCredential Credential { get; set; } = null!;

        /// <summary>Read the MIMECAST_* environment variables.</summary>
        [Parameter(Mandatory = true, ParameterSetName = EnvironmentSet)]
        public SwitchParameter FromEnvironment { get; set; }

        /// <summary>A Postman environment export.</summary>
        [Parameter(Mandatory = true, ParameterSetName = PostmanSet)]
        [ValidateNotNullOrEmpty]
        public string PostmanEnvironment { get; set; } = null!;

        /// <summary>API 2.0 client id.</summary>
        [Parameter(Mandatory = true, ParameterSetName = OAuthSet)]
        [ValidateNotNullOrEmpty]
        public string ClientId { get; set; } = null!;

        /// <summary>API 2.0 client secret.</summary>
        [Parameter(Mandatory = true, ParameterSetName = OAuthSet)]
        [ValidateNotNull]
        public SecureString ClientSecret { get; set; } = null!;

        /// <summary>API 2.0 client id (user name) and client secret (password).</summary>
        [Parameter(Mandatory = true, ParameterSetName = OAuthCredentialSet)]
        [ValidateNotNull]
        [Credential]
        public PSCredential ClientCredential { get; set; } = null!;

        /// <summary>Seconds for a whole request.</summary>
        [Parameter]
        [ValidateRange(1, 86400)]
        public int TimeoutSec { get; set; }

        /// <summary>Seconds to open a connection.</summary>
        [Parameter]
        [ValidateRange(1, 3600)]
        public int ConnectTimeoutSec { get; set; }

        /// <summary>PEM file of extra trusted CA certificates.</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string CaBundle { get; set; } = null!;

        /// <summary>Proxy URL; "" connects directly.</summary>
        [Parameter]
        [AllowEmptyString]
        public string Proxy { get; set; } = null!;

        /// <summary>Retries of rate-limited, 5xx and failed-connection requests.</summary>
        [Parameter]
        [ValidateRange(0, 100)]
        public int MaxRetries { get; set; }

        /// <summary>Also retry Invoke-MimecastApi after failures that may have reached the server.</summary>
        [Parameter]
        public SwitchParameter RetryAfterSend { get; set; }

        /// <summary>Allow http:// to hosts that are not loopback.</summary>
        [Parameter]
        public SwitchParameter AllowInsecureHttp { get; set; }

        /// <summary>Write the connection to the pipeline.</summary>
        [Parameter]
        public SwitchParameter PassThru { get; set; }

        /// <inheritdoc />
        protected override void ProcessRecord()
        {
            var log = new LibraryLog();
            var options = Options(log);
            string? api = "1.0";
            string source = ParameterSetName;
            string? shownBaseUrl = Bound(nameof(BaseUrl)) ? BaseUrl : null;
            object? target = shownBaseUrl;
            MimecastClient client;
            try
            {
                switch (ParameterSetName)
                {
                    case KeysSet:
                        WriteVerbose($"Creating an API 1.0 client for {BaseUrl} (application id {ApplicationId}).");
                        client = new MimecastClient(BaseUrl, ApplicationId, ApplicationKey, AccessKey, Plain(SecretKey), options);
                        break;
                    case KeysCredentialSet:
                        WriteVerbose($"Creating an API 1.0 client for {BaseUrl} (application id {ApplicationId}, access key from -Credential).");
                        client = new MimecastClient(BaseUrl, ApplicationId, ApplicationKey, Credential.UserName, Plain(Credential.Password), options);
                        source = "Credential";
                        break;
                    case DiscoverKeysSet:
                    case DiscoverCredentialSet:
                        target = EmailAddress;
                        WriteVerbose($"Finding the API base URL of {EmailAddress} ({(Bound(nameof(DiscoveryUrl)) ? DiscoveryUrl : "Mimecast's global host")}).");
                        shownBaseUrl = Call(null, () => MimecastClient.DiscoverBaseUrl(EmailAddress, ApplicationId, options, cancellationToken: Cancellation));
                        target = shownBaseUrl;
                        var credential = ParameterSetName == DiscoverCredentialSet;
                        WriteVerbose($"Creating an API 1.0 client for {shownBaseUrl} (application id {ApplicationId}{(credential ? ", access key from -Credential" : "")}).");
                        client = credential
                            ? new MimecastClient(shownBaseUrl, ApplicationId, ApplicationKey, Credential.UserName, Plain(Credential.Password), options)
                            : new MimecastClient(shownBaseUrl, ApplicationId, ApplicationKey, AccessKey, Plain(SecretKey), options);
                        source = "Discovery";
                        break;
                    case EnvironmentSet:
                        WriteVerbose("Creating a client from the MIMECAST_* environment variables.");
                        client = MimecastClient.FromEnvironment(options);
                        if (!string.IsNullOrEmpty(Environment.GetEnvironmentVariable("MIMECAST_CLIENT_ID"))) api = "2.0";
                        shownBaseUrl = Environment.GetEnvironmentVariable("MIMECAST_BASE_URL");
                        break;
                    case PostmanSet:
                        var file = SessionState.Path.GetUnresolvedProviderPathFromPSPath(PostmanEnvironment);
                        target = file;
                        WriteVerbose($"Creating a client from the Postman environment {file}.");
                        client = MimecastClient.FromPostmanEnvironment(file, options);
                        api = null;
                        break;
                    case OAuthSet:
                        WriteVerbose($"Creating an API 2.0 (OAuth) client for {shownBaseUrl ?? "the default base URL"} (client id {ClientId}).");
                        client = MimecastClient.ForOAuth(ClientId, Plain(ClientSecret), shownBaseUrl, options);
                        api = "2.0";
                        break;
                    default: // OAuthCredentialSet
                        WriteVerbose($"Creating an API 2.0 (OAuth) client for {shownBaseUrl ?? "the default base URL"} (client id {ClientCredential.UserName}).");
                        client = MimecastClient.ForOAuth(ClientCredential.UserName, Plain(ClientCredential.Password), shownBaseUrl, options);
                        api = "2.0";
                        source = "ClientCredential";
                        break;
                }
            }
            catch (Exception e) when (IsFailure(e))
            {
                // A failed Connect-Mimecast leaves no connection: later commands must not silently use the previous
                // one (another account, perhaps) when the user meant to replace it.
                var previous = ConnectionStore.Replace(null);
                if (previous != null)
                {
                    previous.Client.Dispose();
                    WriteVerbose("Disposed the previous Mimecast client: a failed Connect-Mimecast leaves no connection.");
                }
                WriteFailure(e, target);
                return;
            }
            finally
            {
                while (log.TryDequeue(out var line)) WriteVerbose("libmimecast " + line);
            }

            log.Attach(client);
            var connection = new Connection(api, source, shownBaseUrl, client);
            var replaced = ConnectionStore.Replace(connection);
            if (replaced != null && !ReferenceEquals(replaced.Client, client))
            {
                WriteVerbose("Disposing the previous Mimecast client.");
                replaced.Client.Dispose();
            }
            WriteVerbose($"Connected ({source}); the native library is {MimecastClient.NativeLibraryPath}.");
            if (PassThru) WriteObject(connection);
        }

        private MimecastClientOptions Options(LibraryLog log)
        {
            var options = new MimecastClientOptions
            {
                Logger = log.Add,
                LogLevel = MimecastLogLevel.Debug,
                RetryAfterSend = RetryAfterSend,
                AllowInsecureHttp = AllowInsecureHttp,
            };
            if (Bound(nameof(TimeoutSec))) options.Timeout = TimeSpan.FromSeconds(TimeoutSec);
            if (Bound(nameof(ConnectTimeoutSec))) options.ConnectTimeout = TimeSpan.FromSeconds(ConnectTimeoutSec);
            if (Bound(nameof(CaBundle))) options.CaBundlePath = SessionState.Path.GetUnresolvedProviderPathFromPSPath(CaBundle);
            if (Bound(nameof(Proxy))) options.Proxy = Proxy;
            if (Bound(nameof(MaxRetries))) options.MaxRetries = MaxRetries;
            if (Bound(nameof(DiscoveryUrl))) options.DiscoveryUrl = DiscoveryUrl;
            return options;
        }

        private bool Bound(string name) => MyInvocation.BoundParameters.ContainsKey(name);

        /// <summary>
        /// The text of a SecureString, for the library (which copies it to native memory and wipes its own copies).
        /// A .NET string cannot be wiped; this one lives only until the client is created.
        /// </summary>
        private static string Plain(SecureString secret) => new NetworkCredential(string.Empty, secret).Password;
    }
}
