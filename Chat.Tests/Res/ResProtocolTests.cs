using System.Collections.Immutable;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Chat.Actors.Rooms;
using Chat.Nats;
using Chat.Res.Hosting;
using Chat.Res.Protocol;
using MemberKey = Chat.Client.Envelope.MemberKey;

namespace Chat.Tests.Res;

public sealed class ResProtocolTests
{
    private const string Room = "3f2b8c1e-4d5a-4b6c-8d7e-9f0a1b2c3d4e";

    private static readonly MemberKey SomeMember = MemberKey.Create();

    private static readonly string Key = SomeMember.ToString();

    private static readonly string MemberId = SomeMember.MemberId;

    [Theory]
    [InlineData("access.room.x", ResRequestType.Access, "room.x", null)]
    [InlineData("get.room.x.messages", ResRequestType.Get, "room.x.messages", null)]
    [InlineData("call.room.x.join", ResRequestType.Call, "room.x", "join")]
    [InlineData("call.room.x.messages.send", ResRequestType.Call, "room.x.messages", "send")]
    [InlineData("auth.room.x.unlock", ResRequestType.Auth, "room.x", "unlock")]
    public void RequestSubjects_SplitIntoTypeResourceAndMethod(string subject, ResRequestType type, string resource, string? method)
    {
        ResRequest.TrySplitSubject(subject, out var actualType, out var actualResource, out var actualMethod).Should().BeTrue();
        (actualType, actualResource, actualMethod).Should().Be((type, resource, method));
    }

    [Theory]
    [InlineData("")]
    [InlineData("get")]
    [InlineData("get.")]
    [InlineData("call.room")]
    [InlineData("call.room.")]
    [InlineData("publish.room.x.login")]
    [InlineData("auth.room")]
    [InlineData("new.room.x")]
    public void UnknownRequestSubjects_AreRefused(string subject)
    {
        ResRequest.TrySplitSubject(subject, out _, out _, out _).Should().BeFalse();
    }

    [Theory]
    [InlineData("room." + Room, RoomResourceKind.Room)]
    [InlineData("room." + Room + ".messages", RoomResourceKind.Messages)]
    [InlineData("room." + Room + ".participants", RoomResourceKind.Participants)]
    public void RoomResources_Parse(string rid, RoomResourceKind kind)
    {
        RoomResource.TryParse(rid, out var resource).Should().BeTrue();
        resource.Should().Be(new RoomResource(Room, kind));
        resource.Rid.Should().Be(rid);
    }

    [Theory]
    [InlineData("room")]
    [InlineData("room.")]
    [InlineData("rooms." + Room)]
    [InlineData("room." + Room + ".")]
    [InlineData("room." + Room + ".messages.x")]
    [InlineData("room.3F2B8C1E-4D5A-4B6C-8D7E-9F0A1B2C3D4E")]
    [InlineData("room.00000000-0000-0000-0000-000000000000")]
    public void OtherResourceNames_AreNotRoomResources(string rid)
    {
        RoomResource.TryParse(rid, out _).Should().BeFalse();
    }

    [Fact]
    public void MissingParams_ReadAsAbsentFields_ForTheRoomToJudge()
    {
        var rejected = ResRequest.TryParseCall(new RoomResource(Room, RoomResourceKind.Messages), "send", Encoding.UTF8.GetBytes($$$"""{"params":{"memberKey":"{{{Key}}}"}}"""), out var command);

        rejected.Should().BeNull();
        command.Should().Be(new SendMessage(Room, null, null, null, MemberId, null));
    }

    [Theory]
    [InlineData("heartbeat")]
    [InlineData("leave")]
    [InlineData("join")]
    public void MemberBoundCall_WithoutAMemberKey_IsRefusedAtTheEdge(string method)
    {
        var body = Encoding.UTF8.GetBytes("""{"params":{"member":"member_0123456789"}}""");

        var rejected = ResRequest.TryParseCall(new RoomResource(Room, RoomResourceKind.Room), method, body, out _);

        rejected!.Code.Should().Be("system.invalidParams");
        rejected.Message.Should().Contain("memberKey");
    }

    [Fact]
    public void CallParams_BecomeTheRoomCommand_WithTheGatewaysCid()
    {
        var body = Encoding.UTF8.GetBytes($$$"""{"params":{"memberKey":"{{{Key}}}","profile":{"ciphertext":"AAAA","nonce":"BBBB"}},"token":null,"cid":"c0pu"}""");

        var rejected = ResRequest.TryParseCall(new RoomResource(Room, RoomResourceKind.Room), "join", body, out var command);

        rejected.Should().BeNull();
        command.Should().Be(new JoinRoom(Room, MemberId, "c0pu", new EncryptedPayload("AAAA", "BBBB")));
    }

    [Fact]
    public void SendParams_BecomeSendMessage_WithTheGatewaysCid()
    {
        var body = Encoding.UTF8.GetBytes($$$"""{"params":{"id":"i","ciphertext":"AAAA","nonce":"BBBB","memberKey":"{{{Key}}}"},"token":null,"cid":"c0pu"}""");

        var rejected = ResRequest.TryParseCall(new RoomResource(Room, RoomResourceKind.Messages), "send", body, out var command);

        rejected.Should().BeNull();
        command.Should().Be(new SendMessage(Room, "i", "AAAA", "BBBB", MemberId, "c0pu"));
    }

    [Fact]
    public void SendWithoutCid_BecomesSendMessageWithoutCid()
    {
        var body = Encoding.UTF8.GetBytes($$$"""{"params":{"id":"i","ciphertext":"AAAA","nonce":"BBBB","memberKey":"{{{Key}}}"}}""");

        ResRequest.TryParseCall(new RoomResource(Room, RoomResourceKind.Messages), "send", body, out var command).Should().BeNull();

        command.Should().Be(new SendMessage(Room, "i", "AAAA", "BBBB", MemberId, null));
    }

    [Fact]
    public void RateLimitedError_CarriesRetryAfterMsAsData_RoundedUp()
    {
        var rejected = new RoomRejected(RoomErrors.RateLimited, "Slow down.", TimeSpan.FromMilliseconds(1234.2));

        JsonAssert.Equal(JsonNode.Parse(ResJson.Response(rejected)),
            """{"error":{"code":"room.rateLimited","message":"Slow down.","data":{"retryAfterMs":1235}}}""");
    }

    [Fact]
    public void ErrorsWithoutRetryHint_KeepCodeAndMessageOnly()
    {
        Encoding.UTF8.GetString(ResJson.Response(RoomErrors.RoomClosed))
            .Should().Be("""{"error":{"code":"room.closed","message":"The room has ended."}}""");
        Encoding.UTF8.GetString(ResJson.Error(RoomErrors.NotFound, "Not found"))
            .Should().Be("""{"error":{"code":"system.notFound","message":"Not found"}}""");
    }

    [Fact]
    public void MessageItems_TakeNoMoreThanTheBytesTheRoomCountsForThem()
    {
        // The longest seq, timestamp and member id there are, and random ciphertexts (base64 with + and /).
        var messages = Enumerable.Range(0, 20)
            .Select(i => new StoredMessage(Guid.NewGuid(), long.MaxValue - i, RandomNumberGenerator.GetBytes(1000 + i), RandomNumberGenerator.GetBytes(12), DateTimeOffset.UtcNow, new string('m', 64)))
            .ToImmutableArray();
        var counted = messages.Sum(m => m.ResponseBytes());
        const int Envelope = 32;

        ResJson.Response(new MessageList(messages)).Length.Should().BeInRange(counted - (20 * 32), counted + Envelope);
        ResJson.Response(new HistoryPage(messages)).Length.Should().BeLessThanOrEqualTo(counted + Envelope);
    }

    [Fact]
    public void ParticipantItems_TakeNoMoreThanTheBytesTheRoomCountsForThem()
    {
        var participants = Enumerable.Range(0, 20)
            .Select(i => new Participant(new string('m', 60) + i.ToString("D4", CultureInfo.InvariantCulture), new SealedBox(RandomNumberGenerator.GetBytes(1024), RandomNumberGenerator.GetBytes(12))))
            .ToImmutableArray();

        ResJson.Response(new ParticipantList(participants)).Length.Should().BeLessThanOrEqualTo((20 * Participant.ResponseBytesFor(1024)) + 32);
    }

    [Fact]
    public void ChangeEvent_CarriesOnlyTheChangedValues()
    {
        var before = new RoomModel(Room, RoomStatus.Active, DateTimeOffset.UnixEpoch, 1, 5);
        var (subject, payload) = ResJson.Event(Room, new RoomModelChanged(before, before with { MessageCount = 6 }));

        subject.Should().Be($"event.room.{Room}.change");
        JsonAssert.Equal(JsonNode.Parse(payload), """{"values":{"messageCount":6}}""");
    }

    [Fact]
    public void PreResponse_IsTheRawTimeoutStringResgateReads()
    {
        Encoding.UTF8.GetString(ResPreResponse.Timeout(TimeSpan.FromSeconds(15))).Should().Be("timeout:\"15000\"");
    }

    [Fact]
    public void RoomReset_CoversTheRoomAndEverythingBelowIt()
    {
        JsonAssert.Equal(JsonNode.Parse(ResJson.ResetRoom(Room)), $$"""{"resources":["room.{{Room}}","room.{{Room}}.>"]}""");
    }

    [Theory]
    [InlineData("QueueGroup", "a b", "Nats:QueueGroup")]
    [InlineData("QueueGroup", "a.b", "Nats:QueueGroup")]
    [InlineData("SlowReplyTimeout", "00:00:02", "Nats:SlowReplyTimeout")]
    [InlineData("OutboxCapacity", "1", "Nats:OutboxCapacity")]
    public void BadServiceOptions_AreRefusedNamingTheKey(string property, string value, string key)
    {
        var result = new ResOptionsValidator().Validate(null, WithProperty(new ResOptions(), property, value));

        result.Failed.Should().BeTrue();
        result.FailureMessage.Should().Contain(key);
    }

    [Theory]
    [InlineData("Url", "http://x", "Nats:Url")]
    [InlineData("Url", "not a url", "Nats:Url")]
    [InlineData("PendingRequests", "1", "Nats:PendingRequests")]
    [InlineData("ReconnectWait", "00:00:00", "Nats:ReconnectWait")]
    public void BadConnectionOptions_AreRefusedNamingTheKey(string property, string value, string key)
    {
        var result = new NatsOptionsValidator().Validate(null, WithProperty(new NatsOptions(), property, value));

        result.Failed.Should().BeTrue();
        result.FailureMessage.Should().Contain(key);
    }

    [Fact]
    public void DefaultNatsOptions_AreValid()
    {
        new ResOptionsValidator().Validate(null, new ResOptions()).Succeeded.Should().BeTrue();
        new NatsOptionsValidator().Validate(null, new NatsOptions()).Succeeded.Should().BeTrue();
    }

    private static T WithProperty<T>(T options, string property, string value)
    {
        var prop = typeof(T).GetProperty(property)!;
        prop.SetValue(options, prop.PropertyType == typeof(TimeSpan) ? TimeSpan.Parse(value, System.Globalization.CultureInfo.InvariantCulture)
            : prop.PropertyType == typeof(int) ? int.Parse(value, System.Globalization.CultureInfo.InvariantCulture) : value);
        return options;
    }
}
