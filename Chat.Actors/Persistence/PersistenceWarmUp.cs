using Akka.Actor;
using Akka.Persistence;

namespace Chat.Actors.Persistence;

/// <summary>
/// Recovers a persistence id that never has events, once, when the node starts: the journal and the
/// snapshot store open their connections, check their tables and compile their queries then, while the
/// node joins, rather than in the first recovery of a room it is given. On a busy machine that first
/// recovery took longer than the recovery timeout, and the rooms of a dead node given to a node that had
/// just started waited for the database for seconds (docs/failover.md).
/// </summary>
public sealed class PersistenceWarmUp : UntypedPersistentActor
{
    /// <summary>Read only, never written; every node may recover it at the same time.</summary>
    public const string Id = "chat-node-warm-up";

    public override string PersistenceId => Id;

    public static Props Props() => Akka.Actor.Props.Create(() => new PersistenceWarmUp());

    protected override void OnRecover(object message)
    {
        if (message is RecoveryCompleted)
        {
            Context.Stop(Self);
        }
    }

    protected override void OnCommand(object message) => Unhandled(message);
}
