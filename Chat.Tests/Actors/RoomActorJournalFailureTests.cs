using Akka.Actor;
using Akka.Persistence;
using Akka.Persistence.TestKit;
using Chat.Actors.Rooms;
using Chat.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Chat.Tests.Actors;

public sealed class RoomActorJournalFailureTests(ITestOutputHelper output) : RoomActorSpec(output)
{
    protected override RoomOptions Options => base.Options with { SlowWriteNotice = TimeSpan.FromMilliseconds(200) };

    [Fact]
    public async Task Send_WhenJournalWriteFails_AnswersUnavailable_LosesNothingAcknowledged_AndNextSendSucceeds()
    {
        var room = StartRoom();
        await JoinAsync(room);
        var first = Guid.NewGuid();
        (await SendAsync(room, first)).Should().Be(1);

        await Journal.OnWrite.Fail();
        var failed = Guid.NewGuid();
        var reply = await AskRoom<RoomRejected>(room, TestPayloads.Send(RoomId, Member, failed));
        reply.Code.Should().Be(RoomErrors.Unavailable);

        // A persistent actor stops after a failed write; sharding starts it again on the next message.
        ExpectTerminated(room);
        await Journal.OnWrite.Pass();
        room = StartRoom();

        var window = await AskRoom<MessageList>(room, new GetMessages(RoomId));
        window.Messages.Select(m => (m.Id, m.Seq)).Should().Equal([(first, 1L)], "the acknowledged message survived, the failed one was never stored");
        await JoinAsync(room);
        (await SendAsync(room, failed)).Should().Be(2, "the client's retry with the same id is stored now");
        (await SendAsync(room)).Should().Be(3);
    }

    [Fact]
    public async Task Send_WhenJournalRejectsWrite_AnswersUnavailable_AndRoomKeepsServing()
    {
        var room = StartRoom();
        await JoinAsync(room);
        (await SendAsync(room)).Should().Be(1);

        await Journal.OnWrite.Reject();
        (await AskRoom<RoomRejected>(room, TestPayloads.Send(RoomId, Member))).Code.Should().Be(RoomErrors.Unavailable);
        await Journal.OnWrite.Pass();

        (await SendAsync(room)).Should().Be(2, "a rejected write consumed no seq");
        (await AskRoom<RoomModel>(room, new GetRoom(RoomId))).MessageCount.Should().Be(2);
    }

    [Fact]
    public async Task Replies_AreSentOnlyAfterTheirEventsAreDurable_AndWaitingSendsShareOneWrite()
    {
        var room = StartRoom();
        await JoinAsync(room);
        var gate = new WriteGate();
        await Journal.OnWrite.SetInterceptorAsync(gate);

        var first = AskRoom<MessageAccepted>(room, TestPayloads.Send(RoomId, Member));
        await gate.Entered.WaitAsync(TimeSpan.FromSeconds(10));
        var waiting = Enumerable.Range(0, 10).Select(_ => AskRoom<MessageAccepted>(room, TestPayloads.Send(RoomId, Member))).ToList();

        // The model is read while the write is held: it must not show the undurable message.
        (await AskRoom<RoomModel>(room, new GetRoom(RoomId))).MessageCount.Should().Be(0);
        first.IsCompleted.Should().BeFalse("the reply waits for the journal");

        var before = await room.Ask<RoomStats>(new GetRoomStats(RoomId), RemainingOrDefault);
        gate.Open();
        (await first).Seq.Should().Be(1);
        (await Task.WhenAll(waiting)).Select(r => r.Seq).Order().Should().Equal(Enumerable.Range(2, 10).Select(i => (long)i));

        var after = await room.Ask<RoomStats>(new GetRoomStats(RoomId), RemainingOrDefault);
        (after.Writes - before.Writes).Should().Be(1, "the ten sends that arrived during the held write went out as one write");
        (after.EventsWritten - before.EventsWritten).Should().Be(10);
    }

    [Fact]
    public async Task SlowWrite_TellsEveryWaitingCallerThatTheRoomIsStillWorking()
    {
        var room = StartRoom();
        await JoinAsync(room);
        var gate = new WriteGate();
        await Journal.OnWrite.SetInterceptorAsync(gate);

        var held = AskRoom<MessageAccepted>(room, TestPayloads.Send(RoomId, Member));
        await gate.Entered.WaitAsync(TimeSpan.FromSeconds(10));
        var queued = AskRoom<MessageAccepted>(room, TestPayloads.Send(RoomId, Member));

        // Both callers hear from the room before their replies, after SlowWriteNotice (shortened here).
        Emissions.FishForMessage<StillWorkingNotice>(_ => true, TimeSpan.FromSeconds(5));
        Emissions.FishForMessage<StillWorkingNotice>(_ => true, TimeSpan.FromSeconds(5));
        held.IsCompleted.Should().BeFalse();
        gate.Open();
        (await held).Seq.Should().Be(1);
        (await queued).Seq.Should().Be(2);
    }

    /// <summary>Holds every journal write until opened; tells when the first write arrives.</summary>
    private sealed class WriteGate : IJournalInterceptor
    {
        private readonly TaskCompletionSource _entered = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly TaskCompletionSource _open = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Task Entered => _entered.Task;

        public void Open() => _open.TrySetResult();

        public async Task InterceptAsync(IPersistentRepresentation message)
        {
            _entered.TrySetResult();
            await _open.Task;
        }
    }
}
