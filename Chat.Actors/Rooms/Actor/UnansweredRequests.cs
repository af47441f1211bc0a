using System.Runtime.CompilerServices;
using Akka.Actor;
using Akka.Event;

namespace Chat.Actors.Rooms;

/// <summary>
/// Answers requests that reached no room. A room stops when a journal write fails, and whatever was
/// still in its mailbox becomes a dead letter; so do requests that arrive while a node shuts down, and
/// those a shard region buffered for a shard it hands over to another node, which Akka drops rather than
/// reorder (docs/failover.md); an actor that does not handle a request publishes it as unhandled. None
/// of them was processed, so "not stored, retry with the same id" is the truthful answer, and the
/// caller gets it at once instead of waiting for its own timeout.
/// Once told the node's room region (<see cref="ResendHandOffDropsTo"/>), a request the region dropped at a
/// shard's hand-off goes back to the region once instead, which holds it until the shard has its new home:
/// answered "unavailable", the client would ask again a quarter second later, and a room that moved with a
/// graceful stop paused that much longer (docs/failover.md). A region that stops gracefully delivers what it
/// holds first; a request dropped a second time is answered.
/// </summary>
public sealed class UnansweredRequests : ReceiveActor
{
    private static readonly object Resent = new();
    private readonly ConditionalWeakTable<RoomRequest, object> _resent = [];
    private IActorRef? _region;

    public UnansweredRequests(IRoomOutput output)
    {
        ArgumentNullException.ThrowIfNull(output);
        Receive<ResendHandOffDropsTo>(m => _region = m.Region);
        Receive<AllDeadLetters>(letter =>
        {
            if (letter.Message is Dropped { Message: RoomRequest dropped } drop && IsHandOff(drop) && _region is { } region && _resent.TryAdd(dropped, Resent))
            {
                RoomMetrics.ResentRequests.Add(1);
                region.Tell(dropped, drop.Sender ?? ActorRefs.NoSender);
                return;
            }

            var (message, sender) = Undelivered(letter);
            switch (message)
            {
                case RoomRequest request:
                    RoomMetrics.UnansweredRequests.Add(1);
                    output.Emit(request.RoomId, [], RoomErrors.JournalUnavailable, new ReplyTarget(sender, request.ReplySubject));
                    break;

                // A command asked directly (in-process callers) is owed the same answer; the room's own
                // timer messages have no sender and need none.
                case IRoomCommand command when !sender.IsNobody() && !sender.Equals(Context.System.DeadLetters):
                    RoomMetrics.UnansweredRequests.Add(1);
                    output.Emit(command.RoomId, [], RoomErrors.JournalUnavailable, new ReplyTarget(sender, null));
                    break;
            }
        });
        ReceiveAny(_ => { });
    }

    public static Props Props(IRoomOutput output) => Akka.Actor.Props.Create(() => new UnansweredRequests(output));

    /// <summary>Akka's region names the hand-off in the reason of what it drops; any other drop is answered.</summary>
    private static bool IsHandOff(Dropped drop) => drop.Reason.Contains("handoff", StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// What was not delivered, and who sent it. A message dropped from a buffer reaches the dead letters as a
    /// <see cref="Dropped"/> that names its sender, wrapped in a dead letter that does not. A message an actor
    /// did not handle (a shard that is handing over handles nothing but its entities' ends) is published as an
    /// <see cref="UnhandledMessage"/>, not as a dead letter.
    /// </summary>
    private static (object Message, IActorRef Sender) Undelivered(AllDeadLetters letter) =>
        letter.Message is Dropped dropped
            ? (dropped.Message, dropped.Sender ?? ActorRefs.Nobody)
            : (letter.Message, letter.Sender);

    protected override void PreStart() => Context.System.EventStream.Subscribe(Self, typeof(AllDeadLetters));

    protected override void PostStop() => Context.System.EventStream.Unsubscribe(Self);

    /// <summary>Where requests dropped at a shard's hand-off are sent again: the node's room region.</summary>
    public sealed record ResendHandOffDropsTo(IActorRef Region);
}
