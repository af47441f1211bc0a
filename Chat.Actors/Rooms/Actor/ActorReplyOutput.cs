using Akka.Actor;

namespace Chat.Actors.Rooms;

/// <summary>
/// The output of a node without a RES adapter: replies go to the asking actor, changes go nowhere
/// because nobody outside the actor system can subscribe to them.
/// </summary>
public sealed class ActorReplyOutput : IRoomOutput
{
    public void RoomStarted(string roomId)
    {
    }

    public void Emit(string roomId, IReadOnlyList<RoomChange> changes, RoomReply? reply, ReplyTarget? replyTo)
    {
        if (reply is not null && replyTo is not null && !replyTo.Sender.IsNobody())
        {
            replyTo.Sender.Tell(reply, ActorRefs.NoSender);
        }
    }

    public void StillWorking(ReplyTarget replyTo)
    {
    }
}
