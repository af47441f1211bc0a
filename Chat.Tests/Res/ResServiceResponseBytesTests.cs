using System.Text;
using System.Text.Json.Nodes;
using Chat.Actors.Rooms;
using Chat.Tests.Infrastructure;

namespace Chat.Tests.Res;

/// <summary>
/// Responses stay well inside NATS's max_payload (1 MiB, the test server's default) with large
/// messages: a room of a hundred 60 KiB messages opens and pages back to its first message.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class ResServiceResponseBytesTests(PostgresFixture postgres) : ResServiceSpec(postgres)
{
    private const int MaxPayload = 1024 * 1024;
    private const int Messages = 100;
    private const int MessageBytes = 60 * 1024;

    private static readonly int MaxResponseBytes = new RoomOptions().MaxResponseBytes;

    [Fact]
    public async Task RoomOfAHundred60KiBMessages_OpensUnderMaxPayload_AndHistoryPagesBackToTheFirst()
    {
        var room = NewRoom();
        var member = NewMember();
        await JoinAsync(room, member);
        for (var i = 1; i <= Messages; i++)
        {
            var reply = await Gateway.RequestJsonAsync($"call.room.{room}.messages.send", SendBody(room, member, ciphertext: B64(MessageBytes)));
            reply!["result"]?["seq"]?.GetValue<long>().Should().Be(i, reply.ToJsonString());
        }

        var window = await Gateway.RequestAsync($"get.room.{room}.messages");

        Encoding.UTF8.GetByteCount(window.Body).Should().BeLessThan(MaxPayload).And.BeLessThanOrEqualTo(MaxResponseBytes + 64);
        var windowSeqs = window.Json!["result"]!["collection"]!.AsArray().Select(item => item!["data"]!["seq"]!.GetValue<long>()).ToList();
        windowSeqs.Should().HaveCountGreaterThanOrEqualTo(4, "a response holds at least four of the largest messages");
        windowSeqs[^1].Should().Be(Messages);

        var walked = new List<long>(windowSeqs);
        var pages = 0;
        while (walked[0] > 1)
        {
            var page = await Gateway.RequestAsync($"call.room.{room}.messages.history", HistoryBody(room, walked[0], RoomOptions.MaxHistoryLimit));

            Encoding.UTF8.GetByteCount(page.Body).Should().BeLessThan(MaxPayload).And.BeLessThanOrEqualTo(MaxResponseBytes + 64);
            var seqs = page.Json!["result"]!["messages"]!.AsArray().Select(item => item!["seq"]!.GetValue<long>()).ToList();
            seqs.Should().NotBeEmpty();
            walked.InsertRange(0, seqs);
            pages++;
        }

        walked.Should().Equal(Enumerable.Range(1, Messages).Select(seq => (long)seq));
        pages.Should().BeGreaterThan(1, "a page of 200 such messages is cut to what fits");
    }
}
