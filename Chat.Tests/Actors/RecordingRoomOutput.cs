using Akka.Actor;
using Chat.Actors.Rooms;

namespace Chat.Tests.Actors;

/// <summary>What a room emitted, as the RES adapter would receive it.</summary>
public sealed record Emitted(string RoomId, IReadOnlyList<RoomChange> Changes, RoomReply? Reply);

public sealed record Started(string RoomId);

public sealed record StillWorkingNotice(ReplyTarget ReplyTo);

/// <summary>
/// A real <see cref="IRoomOutput"/> for tests: replies go back to the asker exactly as in
/// production, and every emission is also told to a probe so tests can read the changes.
/// </summary>
public sealed class RecordingRoomOutput(IActorRef probe) : IRoomOutput
{
    private readonly ActorReplyOutput _replies = new();

    public void RoomStarted(string roomId) => probe.Tell(new Started(roomId));

    public void Emit(string roomId, IReadOnlyList<RoomChange> changes, RoomReply? reply, ReplyTarget? replyTo)
    {
        probe.Tell(new Emitted(roomId, changes.ToList(), reply));
        _replies.Emit(roomId, changes, reply, replyTo);
    }

    public void StillWorking(ReplyTarget replyTo) => probe.Tell(new StillWorkingNotice(replyTo));
}
