using System.Diagnostics.Metrics;
using Chat.Actors.Rooms;
using Xunit.Abstractions;

namespace Chat.Tests.Actors;

public sealed class RoomActorMetricsTests(ITestOutputHelper output) : RoomActorSpec(output)
{
    [Fact]
    public async Task StoredMessagesAndJournalWrites_AreCounted()
    {
        long messages = 0, writes = 0;
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == RoomMetrics.MeterName)
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((instrument, value, _, _) =>
        {
            if (instrument.Name == "chat.room.messages")
            {
                Interlocked.Add(ref messages, value);
            }
            else if (instrument.Name == "chat.room.journal.writes")
            {
                Interlocked.Add(ref writes, value);
            }
        });
        listener.Start();

        var room = StartRoom();
        await JoinAsync(room);
        for (var i = 0; i < 3; i++)
        {
            await SendAsync(room);
        }

        // Other tests may run at the same time and count too, so these are lower bounds.
        Interlocked.Read(ref messages).Should().BeGreaterThanOrEqualTo(3);
        Interlocked.Read(ref writes).Should().BeGreaterThanOrEqualTo(4, "the activation and each sequential send are writes");
    }
}
