using Chat.Bench.Measure;
using Chat.Testing.Res;

namespace Chat.Bench.Res;

/// <summary>
/// Open loop: each send has a due time on a fixed schedule and goes out when due, however slow earlier ones are;
/// latency counts from the due time to the <c>messages.add</c> event, so a stall is not hidden by sending later.
/// </summary>
public static class OpenLoopSender
{
    /// <summary>Sends <paramref name="total"/> messages at <paramref name="rate"/> per second from <paramref name="start"/>, round the rooms; returns the replies to come.</summary>
    public static async Task<List<Task<string>>> SendAsync(
        ResRequester gateway, AddEventWatch watch, BenchRoom[] rooms, double rate, long total, long start, long windowStart, CancellationToken cancellation)
    {
        var replies = new List<Task<string>>((int)total);
        long sent = 0;
        while (sent < total)
        {
            cancellation.ThrowIfCancellationRequested();
            var due = Math.Min(total, (long)(Clock.Seconds(start, Clock.Now) * rate));
            for (; sent < due; sent++)
            {
                var scheduled = Clock.After(start, sent / rate);
                var room = rooms[sent % rooms.Length];
                var (id, box) = room.SealMessage(room.Member);
                watch.Expect(id, scheduled, counted: scheduled >= windowStart);
                replies.Add(gateway.Send($"call.room.{room.Id}.messages.send", ResBodies.Send("bench", room.Id, room.Member, id, box), out var published));
                await published;
            }

            await Task.Delay(1, cancellation);
        }

        return replies;
    }
}
