using Chat.Actors.Rooms;
using Chat.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Chat.Tests.Actors;

public sealed class RoomActorBadInputTests(ITestOutputHelper output) : RoomActorSpec(output)
{
    [Fact]
    public async Task MalformedCommands_AreAnsweredWithTheirErrorCode_ChangeNothing_AndKeepTheRoomAlive()
    {
        var room = StartRoom();
        await JoinAsync(room);
        await SendAsync(room);
        var model = await AskRoom<RoomModel>(room, new GetRoom(RoomId));
        var window = await AskRoom<MessageList>(room, new GetMessages(RoomId));
        var participants = await AskRoom<ParticipantList>(room, new GetParticipants(RoomId));

        var good = TestPayloads.Send(RoomId, Member);
        var bad = new (IRoomCommand Command, string Code)[]
        {
            (good with { Id = "not-a-uuid" }, RoomErrors.InvalidParams),
            (good with { Id = null }, RoomErrors.InvalidParams),
            (good with { Nonce = TestPayloads.Base64(11) }, RoomErrors.InvalidParams),
            (good with { Nonce = TestPayloads.Base64(13) }, RoomErrors.InvalidParams),
            (good with { Ciphertext = "%%%%" }, RoomErrors.InvalidParams),
            (good with { Ciphertext = TestPayloads.Base64((64 * 1024) + 1) }, RoomErrors.InvalidParams),
            (good with { Member = "short" }, RoomErrors.InvalidParams),
            (good with { Member = TestPayloads.NewMemberId() }, RoomErrors.NotJoined),
            (new JoinRoom(RoomId, Member, "cid", null), RoomErrors.InvalidParams),
            (new JoinRoom(RoomId, "bad member!", "cid", TestPayloads.Profile()), RoomErrors.InvalidParams),
            (new Heartbeat(RoomId, TestPayloads.NewMemberId(), "cid"), RoomErrors.NotJoined),
            (new GetHistory(RoomId, 0, 10), RoomErrors.InvalidParams),
            (new GetHistory(RoomId, 5, 201), RoomErrors.InvalidParams),
            (new GetHistory(RoomId, null, null), RoomErrors.InvalidParams),
        };

        foreach (var (command, code) in bad)
        {
            var reply = await AskRoom<RoomRejected>(room, command);
            reply.Code.Should().Be(code, "for {0}", command);
        }

        (await AskRoom<RoomModel>(room, new GetRoom(RoomId))).Should().Be(model);
        (await AskRoom<MessageList>(room, new GetMessages(RoomId))).Messages.Should().Equal(window.Messages);
        (await AskRoom<ParticipantList>(room, new GetParticipants(RoomId))).Participants.Should().Equal(participants.Participants);
        (await SendAsync(room)).Should().Be(2, "the room is alive and its seq untouched");
    }
}
