using Akka.Actor;

namespace Chat.Actors.Rooms;

/// <summary>
/// Where a room's results leave it, on the room's own node. The RES adapter implements it so that
/// events and the reply go out through one NATS connection, events first (docs/architecture.md, "Parts and the path of a message"); the
/// room itself knows nothing of NATS.
/// </summary>
public interface IRoomOutput
{
    /// <summary>The room has recovered and serves requests; caches of its resources are stale.</summary>
    void RoomStarted(string roomId);

    /// <summary>
    /// Publish <paramref name="changes"/> in order, then send <paramref name="reply"/> (if any) to
    /// <paramref name="replyTo"/>. Called once per command, in the order the room applied them.
    /// </summary>
    void Emit(string roomId, IReadOnlyList<RoomChange> changes, RoomReply? reply, ReplyTarget? replyTo);

    /// <summary>
    /// The reply to <paramref name="replyTo"/> is delayed (a slow journal write): tell the waiting
    /// party so it does not give up (RES: the <c>timeout:"ms"</c> pre-response).
    /// </summary>
    void StillWorking(ReplyTarget replyTo);
}

/// <summary>
/// Who waits for a reply: a NATS reply subject when the request came over RES, otherwise the
/// sending actor (an Ask from inside the cluster).
/// </summary>
public sealed record ReplyTarget(IActorRef Sender, string? Subject);
