using System;
using System.Globalization;
using System.Management.Automation;
using System.Net;
using System.Security;

namespace Mimecast.Commands
{
    /// <summary>Get-MimecastAuthHeader: the signed API 1.0 headers of a request, for your own HTTP code.</summary>
    [Cmdlet(VerbsCommon.Get, "MimecastAuthHeader", DefaultParameterSetName = ConnectionSet)]
    [OutputType(typeof(AuthHeader))]
    public sealed class GetMimecastAuthHeaderCommand : MimecastCmdlet
    {
        private const string ConnectionSet = "Connection";
        private const string KeysSet = "Keys";
        private const string KeysCredentialSet = "KeysCredential";

        // The client made from explicit keys: one for all the paths of this command, disposed at its end.
        private MimecastClient? _ownClient;

        /// <summary>The request path; also from the pipeline (strings, or objects with a Path property).</summary>
        [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
        [ValidateNotNullOrEmpty]
        [ArgumentCompleter(typeof(ApiPathCompleter))]
        public string Path { get; set; } = null!;

        /// <summary>The x-mc-date value: a string as given, or a date.</summary>
        [Parameter]
        [ValidateNotNull]
        public object Date { get; set; } = null!;

        /// <summary>The x-mc-req-id value.</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string RequestId { get; set; } = null!;

        /// <summary>The client to use instead of the connection.</summary>
        [Parameter(ParameterSetName = ConnectionSet)]
        [ValidateNotNull]
        public MimecastClient Client { get; set; } = null!;

        /// <summary>Application id (explicit keys).</summary>
        [Parameter(Mandatory = true, ParameterSetName = KeysSet)]
        [Parameter(Mandatory = true, ParameterSetName = KeysCredentialSet)]
        [ValidateNotNullOrEmpty]
        public string ApplicationId { get; set; } = null!;

        /// <summary>Application key (explicit keys).</summary>
        [Parameter(Mandatory = true, ParameterSetName = KeysSet)]
        [Parameter(Mandatory = true, ParameterSetName = KeysCredentialSet)]
        [ValidateNotNullOrEmpty]
        public string ApplicationKey { get; set; } = null!;

        /// <summary>Access key (explicit keys).</summary>
        [Parameter(Mandatory = true, ParameterSetName = KeysSet)]
        [ValidateNotNullOrEmpty]
        public string AccessKey { get; set; } = null!;

        /// <summary>Secret key (explicit keys).</summary>
        [Parameter(Mandatory = true, ParameterSetName = KeysSet)]
        [ValidateNotNull]
        public SecureString SecretKey { get; set; } = null!;

        /// <summary>Access key and secret key (explicit keys).</summary>
        [Parameter(Mandatory = true, ParameterSetName = KeysCredentialSet)]
        [ValidateNotNull]
        [Credential]
        public PSCredential Credential { get; set; } = null!;

        /// <inheritdoc />
        protected override void ProcessRecord()
        {
            MimecastClient client;
            if (ParameterSetName == ConnectionSet)
            {
                client = ResolveClient(Client, Path);
            }
            else
            {
                try
                {
                    client = _ownClient ??= KeysClient();
                }
                catch (Exception e) when (IsFailure(e))
                {
                    WriteFailure(e, Path);
                    return;
                }
            }

            string? date = MyInvocation.BoundParameters.ContainsKey(nameof(Date)) ? FormatDate(Date) : null;
            string? requestId = MyInvocation.BoundParameters.ContainsKey(nameof(RequestId)) ? RequestId : null;
            SignedHeaders signed;
            try
            {
                signed = Call(client, () => client.Sign(Path, date, requestId));
            }
            catch (Exception e) when (IsFailure(e))
            {
                WriteFailure(e, Path);
                return;
            }
            // Signing is this command's hot path: build the verbose line only when it is shown.
            if (MyInvocation.BoundParameters.ContainsKey("Verbose")
                || !Equals(GetVariableValue("VerbosePreference"), ActionPreference.SilentlyContinue))
                WriteVerbose($"Signed {Path} (the Authorization value is not shown): x-mc-date: {signed.Date}; x-mc-req-id: {signed.RequestId}; x-mc-app-id: {signed.AppId}");
            WriteObject(new AuthHeader(signed));
        }

        private MimecastClient KeysClient()
        {
            var access = ParameterSetName == KeysSet ? AccessKey : Credential.UserName;
            var secret = ParameterSetName == KeysSet ? SecretKey : Credential.Password;
            // The base URL takes no part in signing; a region name keeps the constructor offline.
            return new MimecastClient("eu", ApplicationId, ApplicationKey, access, new NetworkCredential(string.Empty, secret).Password);
        }

        /// <summary>-Date: a date (DateTime, DateTimeOffset) in x-mc-date's form, in UTC; anything else as text.</summary>
        private static string FormatDate(object value)
        {
            var v = value is PSObject pso ? pso.BaseObject : value;
            DateTime? utc = v is DateTimeOffset dto ? dto.UtcDateTime : v is DateTime dt ? dt.ToUniversalTime() : (DateTime?)null;
            return utc is DateTime u
                ? u.ToString("ddd, dd MMM yyyy HH:mm:ss 'UTC'", CultureInfo.InvariantCulture)
                : Convert.ToString(v, CultureInfo.InvariantCulture) ?? string.Empty;
        }

        /// <inheritdoc />
        protected override void Dispose(bool disposing)
        {
            if (disposing) _ownClient?.Dispose();
            base.Dispose(disposing);
        }
    }
}
