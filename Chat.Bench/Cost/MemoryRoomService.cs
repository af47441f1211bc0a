using System.CommandLine;
using System.Text.Json;
using Chat.Bench.Host;
using Chat.Client.Envelope;
using NATS.Client.Core;

namespace Chat.Bench.Cost;

/// <summary>
/// <c>Chat.Bench memory-service</c>: the baseline of the cost run, the least a RES room service can do
/// per send on this machine. It answers <c>join</c> and <c>messages.send</c> as the node does (token
/// checked, body parsed, member derived from its key, a sequence number per room, the last 100 messages
/// kept, one <c>messages.add</c> event before the reply, all on one connection) but stores nothing.
/// The same load generator drives it and the node in the same run, so the ratio of the two is the cost
/// of persistence, sharding and actors. Hidden: the cost run starts it in a process of its own.
/// </summary>
public static class MemoryRoomService
{
    public const string Name = "memory-service";
    public const string ReadyKind = "ready";

    private const int Window = 100;

    public static Command Create()
    {
        var nats = new Option<string>("--nats") { Description = "NATS URL", Required = true };
        var command = new Command(Name, "A minimal in-memory RES room service (the cost run's baseline).") { nats };
        command.Hidden = true;
        command.SetAction((result, cancellation) => RunAsync(result.GetValue(nats)!, cancellation));
        return command;
    }

    private static async Task<int> RunAsync(string url, CancellationToken cancellation)
    {
        await using var connection = new NatsConnection(NatsOpts.Default with { Url = url, Name = "memory-service", SubPendingChannelCapacity = 1 << 16 });
        await connection.ConnectAsync();
        await using var calls = await connection.SubscribeCoreAsync<byte[]>("call.room.>", cancellationToken: cancellation);
        await connection.PingAsync(cancellation);
        ChildReports.Write(ReadyKind, new { });

        var rooms = new Dictionary<string, Queue<object>>(StringComparer.Ordinal);
        var sequences = new Dictionary<string, long>(StringComparer.Ordinal);
        try
        {
            await foreach (var message in calls.Msgs.ReadAllAsync(cancellation))
            {
                if (message.ReplyTo is not { } inbox)
                {
                    continue;
                }

                var parts = message.Subject.Split('.', 4);
                var room = parts[2];
                var method = parts.Length > 3 ? parts[3] : string.Empty;
                using var body = JsonDocument.Parse(message.Data ?? []);
                var root = body.RootElement;
                if (!Unlocked(root, room))
                {
                    await connection.PublishAsync(inbox, """{"error":{"code":"system.accessDenied","message":"Access denied"}}"""u8.ToArray(), cancellationToken: cancellation);
                    continue;
                }

                var parameters = root.GetProperty("params");
                if (!MemberKey.TryParse(parameters.GetProperty("memberKey").GetString(), out var member))
                {
                    await connection.PublishAsync(inbox, """{"error":{"code":"system.invalidParams","message":"memberKey"}}"""u8.ToArray(), cancellationToken: cancellation);
                    continue;
                }

                if (method != "messages.send")
                {
                    await connection.PublishAsync(inbox, """{"result":null}"""u8.ToArray(), cancellationToken: cancellation);
                    continue;
                }

                var seq = sequences.TryGetValue(room, out var last) ? last + 1 : 1;
                sequences[room] = seq;
                object value = new
                {
                    id = parameters.GetProperty("id").GetString(),
                    seq,
                    ciphertext = Convert.ToBase64String(Convert.FromBase64String(parameters.GetProperty("ciphertext").GetString()!)),
                    nonce = parameters.GetProperty("nonce").GetString(),
                    member = member.MemberId,
                    at = DateTimeOffset.UtcNow,
                };
                if (!rooms.TryGetValue(room, out var window))
                {
                    rooms[room] = window = new Queue<object>();
                }

                window.Enqueue(value);
                if (window.Count > Window)
                {
                    window.Dequeue();
                }

                var added = JsonSerializer.SerializeToUtf8Bytes(new { value, idx = window.Count - 1 });
                await connection.PublishAsync($"event.room.{room}.messages.add", added, cancellationToken: cancellation);
                await connection.PublishAsync(inbox, JsonSerializer.SerializeToUtf8Bytes(new { result = new { seq } }), cancellationToken: cancellation);
            }
        }
        catch (OperationCanceledException) when (cancellation.IsCancellationRequested)
        {
        }

        return 0;
    }

    private static bool Unlocked(JsonElement root, string room)
    {
        if (!root.TryGetProperty("token", out var token) || token.ValueKind != JsonValueKind.Object
            || !token.TryGetProperty("rooms", out var rooms) || rooms.ValueKind != JsonValueKind.Array)
        {
            return false;
        }

        foreach (var unlocked in rooms.EnumerateArray())
        {
            if (unlocked.ValueEquals(room))
            {
                return true;
            }
        }

        return false;
    }
}
