using System.Collections.Immutable;
using System.Runtime.Serialization;
using System.Text;
using Akka.Actor;
using Akka.Serialization;
using Chat.Actors.Rooms;
using Chat.Actors.Serialization;
using Xunit.Abstractions;

namespace Chat.Tests.Serialization;

public sealed class ChatSerializerTests(ITestOutputHelper output) : Akka.TestKit.Xunit2.TestKit(
    $$"""
    akka.actor.serializers.chat = "{{typeof(ChatSerializer).AssemblyQualifiedName}}"
    akka.actor.serialization-bindings { "{{typeof(IChatMessage).AssemblyQualifiedName}}" = chat }
    """, output)
{
    private const string RoomId = "3f2b8c1e-4d5a-4b6c-8d7e-9f0a1b2c3d4e";
    private static readonly DateTimeOffset At = new(2026, 11, 24, 12, 0, 0, TimeSpan.Zero);
    private static readonly Guid MessageId = Guid.Parse("0b8e7f4c-2a1d-4e3f-9a8b-7c6d5e4f3a2b");

    public static TheoryData<object> Samples()
    {
        var stored = new StoredMessage(MessageId, 7, [1, 2, 3], [9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9], At);
        var profile = new SealedBox([4, 5, 6], [1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1]);
        return new TheoryData<object>
        {
            new RoomActivated(RoomId, At),
            new MessageAppended(RoomId, MessageId, 7, [1, 2, 3], [9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9], At),
            new RoomDeactivated(RoomId, At),
            new RoomSnapshot(RoomId, RoomStatus.Active, At, 7, [stored], [MessageId]),
            new RoomRequest(new SendMessage(RoomId, MessageId.ToString(), "AAAA", "BBBB", "member_0123456789"), "_INBOX.abc"),
            new RoomRequest(new JoinRoom(RoomId, "member_0123456789", "cid", new EncryptedPayload("AAAA", "BBBB")), null),
            new JoinRoom(RoomId, "member_0123456789", "cid", new EncryptedPayload("AAAA", "BBBB")),
            new Heartbeat(RoomId, "member_0123456789", "cid"),
            new LeaveRoom(RoomId, "member_0123456789"),
            new SendMessage(RoomId, MessageId.ToString(), "AAAA", "BBBB", "member_0123456789"),
            new SendMessage(RoomId, MessageId.ToString(), "AAAA", "BBBB", "member_0123456789", "cid"),
            new GetHistory(RoomId, 10, 5),
            new ConnectionClosed(RoomId, "cid"),
            new GetRoom(RoomId),
            new GetMessages(RoomId),
            new GetParticipants(RoomId),
            new Joined(RoomId),
            Done.Instance,
            new MessageAccepted(7),
            new HistoryPage([stored]),
            new RoomRejected(RoomErrors.Closed, "The room has ended."),
            new RoomRejected(RoomErrors.RateLimited, "Slow down.", TimeSpan.FromMilliseconds(750)),
            new RoomModel(RoomId, RoomStatus.Active, At, 2, 7),
            new MessageList([stored]),
            new ParticipantList([new Participant("member_0123456789", profile)]),
            StopRoom.Instance,
            new WakeRoom(RoomId),
            new GetRoomStats(RoomId),
            new RoomStats(RoomId, 3, 9, 10),
        };
    }

    [Fact]
    public void Samples_CoverEveryTypeTheSerializerKnows()
    {
        Samples().Cast<object[]>().Select(row => row[0].GetType()).Distinct().Should().BeEquivalentTo(ChatSerializer.KnownTypes);
    }

    [Theory]
    [MemberData(nameof(Samples))]
    public void EveryChatMessage_IsBoundToChatSerializer_AndRoundTrips(object message)
    {
        var serializer = Sys.Serialization.FindSerializerFor(message);
        serializer.Should().BeOfType<ChatSerializer>();
        var manifest = Akka.Serialization.Serialization.ManifestFor(serializer, message);
        manifest.Should().MatchRegex(@"^[A-Za-z]+\.v\d+$");

        var bytes = serializer.ToBinary(message);
        var back = Sys.Serialization.Deserialize(bytes, serializer.Identifier, manifest);

        back.Should().BeOfType(message.GetType());
        if (message.GetType().GetProperties().Length > 0)
        {
            back.Should().BeEquivalentTo(message, options => options.RespectingRuntimeTypes());
        }
    }

    [Fact]
    public void MessageAppendedV2_KeepsItsFrozenJsonShape_WithTheSenderStamp()
    {
        var serializer = (SerializerWithStringManifest)Sys.Serialization.FindSerializerForType(typeof(MessageAppended));
        var evt = new MessageAppended(RoomId, MessageId, 7, [1, 2, 3], [9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9], At, "q2OSrEdHv0uKAbXk1fQe7w");

        var json = Encoding.UTF8.GetString(serializer.ToBinary(evt));

        // Changing this string breaks every journal written so far: add MessageAppended.v3 instead.
        json.Should().Be(
            """{"roomId":"3f2b8c1e-4d5a-4b6c-8d7e-9f0a1b2c3d4e","messageId":"0b8e7f4c-2a1d-4e3f-9a8b-7c6d5e4f3a2b","seq":7,"ciphertext":"AQID","nonce":"CQkJCQkJCQkJCQkJ","at":"2026-11-24T12:00:00+00:00","member":"q2OSrEdHv0uKAbXk1fQe7w"}""");
        serializer.Manifest(evt).Should().Be("MessageAppended.v2");
    }

    [Fact]
    public void MessageAppendedV1_FromJournalsBeforeMemberKeys_ReadsWithoutAStamp()
    {
        var serializer = (SerializerWithStringManifest)Sys.Serialization.FindSerializerForType(typeof(MessageAppended));
        var stored = """{"roomId":"3f2b8c1e-4d5a-4b6c-8d7e-9f0a1b2c3d4e","messageId":"0b8e7f4c-2a1d-4e3f-9a8b-7c6d5e4f3a2b","seq":7,"ciphertext":"AQID","nonce":"CQkJCQkJCQkJCQkJ","at":"2026-11-24T12:00:00+00:00"}"""u8.ToArray();

        var evt = (MessageAppended)serializer.FromBinary(stored, "MessageAppended.v1");

        evt.Should().BeEquivalentTo(new MessageAppended(RoomId, MessageId, 7, [1, 2, 3], [9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9], At));
        evt.Member.Should().BeNull();
    }

    [Fact]
    public void RoomSnapshotV1_WindowWithoutStamps_StillDecodes()
    {
        var serializer = (SerializerWithStringManifest)Sys.Serialization.FindSerializerForType(typeof(RoomSnapshot));
        var stored = """{"roomId":"3f2b8c1e-4d5a-4b6c-8d7e-9f0a1b2c3d4e","status":1,"createdAt":"2026-11-24T12:00:00+00:00","lastSeq":7,"window":[{"id":"0b8e7f4c-2a1d-4e3f-9a8b-7c6d5e4f3a2b","seq":7,"ciphertext":"AQID","nonce":"CQkJCQkJCQkJCQkJ","sentAt":"2026-11-24T12:00:00+00:00"}],"recentIds":["0b8e7f4c-2a1d-4e3f-9a8b-7c6d5e4f3a2b"]}"""u8.ToArray();

        var snapshot = (RoomSnapshot)serializer.FromBinary(stored, "RoomSnapshot.v1");

        snapshot.Window.Should().ContainSingle().Which.Member.Should().BeNull();
        snapshot.Window[0].Seq.Should().Be(7);
    }

    [Fact]
    public void StoredV1Json_StillDecodes()
    {
        var serializer = (SerializerWithStringManifest)Sys.Serialization.FindSerializerForType(typeof(RoomActivated));
        var stored = """{"roomId":"3f2b8c1e-4d5a-4b6c-8d7e-9f0a1b2c3d4e","at":"2026-11-24T12:00:00+00:00"}"""u8.ToArray();

        serializer.FromBinary(stored, "RoomActivated.v1").Should().Be(new RoomActivated(RoomId, At));
    }

    [Fact]
    public void SendAndRejectionFromANodeWithoutCidOrRetryHint_StillDecode()
    {
        // During a rolling upgrade an older node sends these without the fields added since.
        var serializer = (SerializerWithStringManifest)Sys.Serialization.FindSerializerForType(typeof(SendMessage));
        var send = """{"roomId":"3f2b8c1e-4d5a-4b6c-8d7e-9f0a1b2c3d4e","id":"i","ciphertext":"AAAA","nonce":"BBBB","member":"member_0123456789"}"""u8.ToArray();
        var rejected = """{"code":"room.closed","message":"The room has ended."}"""u8.ToArray();

        serializer.FromBinary(send, "SendMessage.v1").Should().Be(new SendMessage(RoomId, "i", "AAAA", "BBBB", "member_0123456789", null));
        serializer.FromBinary(rejected, "RoomRejected.v1").Should().Be(RoomErrors.RoomClosed);
    }

    [Fact]
    public void UnknownManifest_IsASerializationError()
    {
        var serializer = (SerializerWithStringManifest)Sys.Serialization.FindSerializerForType(typeof(RoomActivated));

        var act = () => serializer.FromBinary("{}"u8.ToArray(), "RoomActivated.v99");

        act.Should().Throw<SerializationException>().WithMessage("*RoomActivated.v99*");
    }

    [Fact]
    public void TypeWithoutManifest_IsRefused()
    {
        var serializer = new ChatSerializer((ExtendedActorSystem)Sys);

        var act = () => serializer.ToBinary(new ExpireMembers(RoomId));

        act.Should().Throw<ArgumentException>();
    }

    [Fact]
    public void NothingImmutable_IsLost_InASnapshot()
    {
        var snapshot = new RoomSnapshot(RoomId, RoomStatus.Closed, At, 2, ImmutableArray<StoredMessage>.Empty, [MessageId, Guid.NewGuid()]);
        var serializer = Sys.Serialization.FindSerializerFor(snapshot);

        var back = (RoomSnapshot)Sys.Serialization.Deserialize(serializer.ToBinary(snapshot), serializer.Identifier, Akka.Serialization.Serialization.ManifestFor(serializer, snapshot));

        back.RecentIds.Should().Equal(snapshot.RecentIds);
        back.Window.Should().BeEmpty();
        back.Status.Should().Be(RoomStatus.Closed);
    }

    [Fact]
    public void RoomSnapshotV3_KeepsEveryField_AsBytes()
    {
        var plusTwo = new DateTimeOffset(2026, 11, 24, 14, 0, 0, 123, TimeSpan.FromHours(2));
        var snapshot = new RoomSnapshot(RoomId, RoomStatus.Active, null, long.MaxValue - 1,
        [
            new StoredMessage(MessageId, 41, [1, 2, 3], [9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9], At),
            new StoredMessage(Guid.NewGuid(), 42, [], [7], plusTwo, "q2OSrEdHv0uKAbXk1fQe7w"),
        ],
        [MessageId, Guid.NewGuid(), Guid.Empty]);
        var serializer = (SerializerWithStringManifest)Sys.Serialization.FindSerializerFor(snapshot);

        var bytes = serializer.ToBinary(snapshot);
        var back = (RoomSnapshot)serializer.FromBinary(bytes, serializer.Manifest(snapshot));

        serializer.Manifest(snapshot).Should().Be("RoomSnapshot.v3");
        back.Should().BeEquivalentTo(snapshot, options => options.ComparingByMembers<RoomSnapshot>());
        back.Window[1].SentAt.Offset.Should().Be(TimeSpan.FromHours(2));
        back.Window[1].SentAt.Should().Be(plusTwo);
        back.Window[0].Member.Should().BeNull();
        back.RecentIds.Should().Equal(snapshot.RecentIds);
        ((RoomSnapshot)serializer.FromBinary(serializer.ToBinary(snapshot with { CreatedAt = plusTwo }), "RoomSnapshot.v3")).CreatedAt.Should().Be(plusTwo);
    }

    [Fact]
    public void RoomSnapshotV2_JsonFromStoresBeforeV3_StillDecodes()
    {
        var serializer = (SerializerWithStringManifest)Sys.Serialization.FindSerializerForType(typeof(RoomSnapshot));
        var stored = """{"roomId":"3f2b8c1e-4d5a-4b6c-8d7e-9f0a1b2c3d4e","status":1,"createdAt":"2026-11-24T12:00:00+00:00","lastSeq":7,"window":[{"id":"0b8e7f4c-2a1d-4e3f-9a8b-7c6d5e4f3a2b","seq":7,"ciphertext":"AQID","nonce":"CQkJCQkJCQkJCQkJ","sentAt":"2026-11-24T12:00:00+00:00","member":"q2OSrEdHv0uKAbXk1fQe7w"}],"recentIds":["0b8e7f4c-2a1d-4e3f-9a8b-7c6d5e4f3a2b"]}"""u8.ToArray();

        var snapshot = (RoomSnapshot)serializer.FromBinary(stored, "RoomSnapshot.v2");

        snapshot.Should().BeEquivalentTo(new RoomSnapshot(RoomId, RoomStatus.Active, At, 7,
            [new StoredMessage(MessageId, 7, [1, 2, 3], [9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9], At, "q2OSrEdHv0uKAbXk1fQe7w")], [MessageId]));
    }

    [Fact]
    public void RoomSnapshotV3_OfABusyRoom_IsAtMostTwoThirdsOfItsJson()
    {
        // A full window of ordinary messages (528 bytes of ciphertext, as the page pads them) and 1,100 ids.
        var window = Enumerable.Range(1, 100)
            .Select(i => new StoredMessage(Guid.NewGuid(), 1000 + i, RandomBytes(528), RandomBytes(12), At.AddSeconds(i), "q2OSrEdHv0uKAbXk1fQe7w"))
            .ToImmutableArray();
        var snapshot = new RoomSnapshot(RoomId, RoomStatus.Active, At, 1100, window, [.. Enumerable.Range(0, 1100).Select(_ => Guid.NewGuid())]);
        var serializer = (SerializerWithStringManifest)Sys.Serialization.FindSerializerFor(snapshot);

        var bytes = serializer.ToBinary(snapshot).Length;
        var json = System.Text.Json.JsonSerializer.SerializeToUtf8Bytes(snapshot, ChatSerializer.Json).Length;

        bytes.Should().BeLessThan(json * 2 / 3, $"{bytes:N0} bytes against {json:N0} of JSON");
    }

    [Fact]
    public void RoomSnapshotV3_Damaged_IsASerializationError_NeverAHugeAllocation()
    {
        var snapshot = new RoomSnapshot(RoomId, RoomStatus.Active, At, 7,
            [new StoredMessage(MessageId, 7, [1, 2, 3], [9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9], At, "q2OSrEdHv0uKAbXk1fQe7w")], [MessageId]);
        var serializer = (SerializerWithStringManifest)Sys.Serialization.FindSerializerFor(snapshot);
        var bytes = serializer.ToBinary(snapshot);

        for (var length = 0; length < bytes.Length; length++)
        {
            var cut = bytes[..length];
            ((Action)(() => serializer.FromBinary(cut, "RoomSnapshot.v3"))).Should().Throw<SerializationException>($"{length} of {bytes.Length} bytes");
        }

        ((Action)(() => serializer.FromBinary([.. bytes, 0], "RoomSnapshot.v3"))).Should().Throw<SerializationException>("a byte after the snapshot");

        // A window count of 2^31-1 behind a valid header: refused by what the bytes left could hold.
        var header = new MemoryStream();
        using (var w = new BinaryWriter(header))
        {
            w.Write(0);
            w.Write((byte)RoomStatus.Active);
            w.Write(false);
            w.Write(7L);
            w.Write(int.MaxValue);
        }

        ((Action)(() => serializer.FromBinary(header.ToArray(), "RoomSnapshot.v3"))).Should().Throw<SerializationException>().WithMessage("*count of 2147483647*");
    }

    private static byte[] RandomBytes(int count) => System.Security.Cryptography.RandomNumberGenerator.GetBytes(count);
}
