using System.Management.Automation;

namespace Mimecast.Commands
{
    /// <summary>Disconnect-Mimecast: disposes this session's connection (its keys are wiped).</summary>
    [Cmdlet(VerbsCommunications.Disconnect, "Mimecast")]
    [OutputType(typeof(void))]
    public sealed class DisconnectMimecastCommand : MimecastCmdlet
    {
        /// <inheritdoc />
        protected override void EndProcessing()
        {
            var connection = ConnectionStore.Replace(null);
            if (connection == null)
            {
                WriteVerbose("Not connected to Mimecast: nothing to do.");
                return;
            }
            connection.Client.Dispose();
            WriteVerbose("Disposed the Mimecast client; its keys were wiped.");
        }
    }
}
