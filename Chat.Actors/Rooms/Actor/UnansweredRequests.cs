using Akka.Actor;
using Akka.Event;

namespace Chat.Actors.Rooms;

/// <summary>
/// Answers requests that reached no room. A room stops when a journal write fails, and whatever was
/// still in its mailbox becomes a dead letter; so do requests that arrive while a node shuts down.
/// None of them was processed, so "not stored, retry with the same id" is the truthful answer, and the
/// caller gets it at once instead of waiting for its own timeout.
/// </summary>
public sealed class UnansweredRequests : ReceiveActor
{
    public UnansweredRequests(IRoomOutput output)
    {
        ArgumentNullException.ThrowIfNull(output);
        Receive<DeadLetter>(letter => letter.Message is RoomRequest, letter =>
        {
            var request = (RoomRequest)letter.Message;
            RoomMetrics.UnansweredRequests.Add(1);
            output.Emit(request.RoomId, [], RoomErrors.JournalUnavailable, new ReplyTarget(letter.Sender, request.ReplySubject));
        });

        // A command asked directly (in-process callers) is owed the same answer; the room's own timer
        // messages have no sender and need none.
        Receive<DeadLetter>(letter => letter.Message is IRoomCommand && !letter.Sender.IsNobody() && !letter.Sender.Equals(Context.System.DeadLetters), letter =>
        {
            var command = (IRoomCommand)letter.Message;
            RoomMetrics.UnansweredRequests.Add(1);
            output.Emit(command.RoomId, [], RoomErrors.JournalUnavailable, new ReplyTarget(letter.Sender, null));
        });
        ReceiveAny(_ => { });
    }

    public static Props Props(IRoomOutput output) => Akka.Actor.Props.Create(() => new UnansweredRequests(output));

    protected override void PreStart() => Context.System.EventStream.Subscribe(Self, typeof(DeadLetter));

    protected override void PostStop() => Context.System.EventStream.Unsubscribe(Self);
}
