using Akka.Actor;
using Akka.Actor.Setup;
using Akka.Event;

namespace Chat.Actors.Rooms;

/// <summary>
/// Starts <see cref="UnansweredRequests"/> with the actor system itself, before any startup task. A node
/// restarted in place listens on its old address at once, and until the cluster has removed its old
/// incarnation the other nodes still send that incarnation's rooms their requests: they arrive here as dead
/// letters while this node is still starting, and are owed an answer then, not after the client's timeout
/// (docs/failover.md, "A node restarted in place").
/// </summary>
public sealed class UnansweredRequestsExtension : ExtensionIdProvider<UnansweredRequestsExtension.Started>
{
    public override Started CreateExtension(ExtendedActorSystem system)
    {
        var setup = system.Settings.Setup.Get<OutputSetup>();
        if (!setup.HasValue)
        {
            throw new InvalidOperationException($"{nameof(UnansweredRequestsExtension)} needs an {nameof(OutputSetup)} in the actor system's setup.");
        }

        // Subscribed here, not only in its PreStart, which runs later on another thread: dead letters from
        // this moment on wait in its mailbox.
        var answerer = system.SystemActorOf(UnansweredRequests.Props(setup.Value.Output), "unanswered-requests");
        system.EventStream.Subscribe(answerer, typeof(DeadLetter));
        return new Started(answerer);
    }

    /// <summary>Where the answers go: the node's room output.</summary>
    public sealed class OutputSetup(IRoomOutput output) : Setup
    {
        public IRoomOutput Output { get; } = output;
    }

    public sealed class Started(IActorRef answerer) : IExtension
    {
        public IActorRef Answerer { get; } = answerer;
    }
}
