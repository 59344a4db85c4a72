using System;
using System.Management.Automation;

namespace Mimecast.Commands
{
    /// <summary>Get-MimecastAccount: Get Account (/api/account/get-account).</summary>
    [Cmdlet(VerbsCommon.Get, "MimecastAccount")]
    [OutputType(typeof(Account))]
    public sealed class GetMimecastAccountCommand : MimecastCmdlet
    {
        private const string AccountPath = "/api/account/get-account";

        /// <summary>The client to use instead of the connection; also from the pipeline (a Connection's Client).</summary>
        [Parameter(ValueFromPipelineByPropertyName = true)]
        [ValidateNotNull]
        public MimecastClient Client { get; set; } = null!;

        /// <inheritdoc />
        protected override void ProcessRecord()
        {
            var client = ResolveClient(Client, AccountPath);
            WriteVerbose("POST " + AccountPath);
            Account account;
            try
            {
                account = Call(client, () => client.GetAccount(cancellationToken: Cancellation));
            }
            catch (Exception e) when (IsFailure(e))
            {
                WriteFailure(e, AccountPath);
                return;
            }
            WriteObject(account);
        }
    }
}
