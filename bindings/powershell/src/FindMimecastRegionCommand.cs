using System;
using System.Management.Automation;

namespace Mimecast.Commands
{
    /// <summary>
    /// Find-MimecastRegion: asks Mimecast which API base URL serves the account an email address belongs to (the unsigned
    /// discover-authentication call Mimecast's own tools make), so that Connect-Mimecast can use it.
    /// </summary>
    [Cmdlet(VerbsCommon.Find, "MimecastRegion")]
    [OutputType(typeof(MimecastRegion))]
    public sealed class FindMimecastRegionCommand : MimecastCmdlet
    {
        /// <summary>An address of the account.</summary>
        [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
        [ValidateNotNullOrEmpty]
        public string EmailAddress { get; set; } = null!;

        /// <summary>The API 1.0 application id, sent with the question.</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string ApplicationId { get; set; } = null!;

        /// <summary>The host that answers discovery.</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string DiscoveryUrl { get; set; } = null!;

        /// <summary>Seconds for the request.</summary>
        [Parameter]
        [ValidateRange(1, 86400)]
        public int TimeoutSec { get; set; }

        /// <summary>Proxy URL; "" connects directly.</summary>
        [Parameter]
        [AllowEmptyString]
        public string Proxy { get; set; } = null!;

        /// <summary>PEM file of extra trusted CA certificates.</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string CaBundle { get; set; } = null!;

        /// <inheritdoc />
        protected override void ProcessRecord()
        {
            var log = new LibraryLog();
            var options = new MimecastClientOptions { Logger = log.Add, LogLevel = MimecastLogLevel.Debug };
            if (Bound(nameof(DiscoveryUrl))) options.DiscoveryUrl = DiscoveryUrl;
            if (Bound(nameof(TimeoutSec))) options.Timeout = TimeSpan.FromSeconds(TimeoutSec);
            if (Bound(nameof(Proxy))) options.Proxy = Proxy;
            if (Bound(nameof(CaBundle))) options.CaBundlePath = SessionState.Path.GetUnresolvedProviderPathFromPSPath(CaBundle);
            WriteVerbose($"Asking {(Bound(nameof(DiscoveryUrl)) ? DiscoveryUrl : "Mimecast's global host")} for the API base URL of {EmailAddress}.");
            string baseUrl;
            try
            {
                baseUrl = Call(null, () => MimecastClient.DiscoverBaseUrl(EmailAddress, Bound(nameof(ApplicationId)) ? ApplicationId : null,
                    options, cancellationToken: Cancellation));
            }
            catch (Exception e) when (IsFailure(e))
            {
                WriteFailure(e, EmailAddress);
                return;
            }
            finally
            {
                while (log.TryDequeue(out var line)) WriteVerbose("libmimecast " + line);
            }
            WriteObject(new MimecastRegion(EmailAddress, baseUrl));
        }

        private bool Bound(string name) => MyInvocation.BoundParameters.ContainsKey(name);
    }
}

namespace Mimecast
{
    /// <summary>What Find-MimecastRegion found: the API base URL that serves the account of an email address.</summary>
    public sealed class MimecastRegion
    {
        internal MimecastRegion(string emailAddress, string baseUrl)
        {
            EmailAddress = emailAddress;
            BaseUrl = baseUrl;
        }

        /// <summary>The address asked about.</summary>
        public string EmailAddress { get; }

        /// <summary>The account's API base URL, e.g. https://eu-api.mimecast.com: pass it to Connect-Mimecast -BaseUrl.</summary>
        public string BaseUrl { get; }

        /// <summary>The base URL.</summary>
        public override string ToString() => BaseUrl;
    }
}
