using Akka.Actor;
using Chat.Actors.Rooms;
using Chat.Nats;
using Chat.Res.Hosting;
using Chat.Res.Protocol;
using Microsoft.Extensions.Options;

namespace Chat.Res.Service;

/// <summary>
/// A room's output on a RES node: its changes become RES events and its replies RES responses, all
/// through <see cref="NatsOutbox"/> so that each reply follows its events.
/// </summary>
public sealed class NatsRoomOutput(NatsOutbox outbox, IOptions<ResOptions> options) : IRoomOutput
{
    public const string SystemReset = "system.reset";

    private readonly TimeSpan _slowReplyTimeout = options.Value.SlowReplyTimeout;

    public void RoomStarted(string roomId) => outbox.Publish(SystemReset, ResJson.ResetRoom(roomId));

    public void Emit(string roomId, IReadOnlyList<RoomChange> changes, RoomReply? reply, ReplyTarget? replyTo)
    {
        foreach (var change in changes)
        {
            var (subject, payload) = ResJson.Event(roomId, change);
            outbox.Publish(subject, payload);
        }

        if (reply is null || replyTo is null)
        {
            return;
        }

        if (replyTo.Subject is { } inbox)
        {
            outbox.PublishReply(inbox, ResJson.Response(reply));
        }
        else if (!replyTo.Sender.IsNobody())
        {
            replyTo.Sender.Tell(reply, ActorRefs.NoSender);
        }
    }

    public void StillWorking(ReplyTarget replyTo)
    {
        if (replyTo.Subject is { } inbox)
        {
            outbox.Publish(inbox, ResPreResponse.Timeout(_slowReplyTimeout));
        }
    }
}
