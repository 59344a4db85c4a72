using System.Management.Automation.Runspaces;
using System.Runtime.CompilerServices;

namespace Mimecast.Commands
{
    /// <summary>
    /// The connection of each PowerShell session (runspace), as a script module's variable would be: runspaces of one
    /// process (ForEach-Object -Parallel, runspace pools) do not see each other's connection.
    /// </summary>
    internal static class ConnectionStore
    {
        private sealed class Slot
        {
            internal Connection? Connection;
        }

        private static readonly ConditionalWeakTable<Runspace, Slot> Slots = new ConditionalWeakTable<Runspace, Slot>();

        // A host without a default runspace on the pipeline thread (unusual) shares one slot.
        private static readonly Slot Fallback = new Slot();

        private static Slot CurrentSlot
        {
            get
            {
                var runspace = Runspace.DefaultRunspace;
                return runspace == null ? Fallback : Slots.GetValue(runspace, _ => new Slot());
            }
        }

        /// <summary>This session's connection, or null.</summary>
        internal static Connection? Current => CurrentSlot.Connection;

        /// <summary>Makes <paramref name="connection"/> current (or none) and returns the one it replaces.</summary>
        internal static Connection? Replace(Connection? connection)
        {
            var slot = CurrentSlot;
            lock (slot)
            {
                var previous = slot.Connection;
                slot.Connection = connection;
                return previous;
            }
        }
    }
}
