using System.Text.Json.Nodes;
using NATS.Client.Core;

namespace Chat.Gateway;

/// <summary>
/// <c>conn.*.token</c> events for the gateway's connections. A service publishes the token event
/// before its auth response, and NATS keeps that order on the gateway's connection, but each
/// subscription is read on its own: so an auth response first applies every token event already
/// received (<see cref="ApplyReceived"/>) and only then answers the client.
/// </summary>
internal sealed class TokenEvents(INatsSub<byte[]> subscription, Func<string, GatewayConnection?> connectionOf)
{
    private readonly Lock _lock = new();

    public async Task PumpAsync(CancellationToken cancellationToken)
    {
        try
        {
            while (await subscription.Msgs.WaitToReadAsync(cancellationToken))
            {
                ApplyReceived();
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    /// <summary>Applies, in order, every token event that has arrived so far.</summary>
    public void ApplyReceived()
    {
        lock (_lock)
        {
            while (subscription.Msgs.TryRead(out var message))
            {
                var parts = message.Subject.Split('.');
                if (parts.Length == 3 && connectionOf(parts[1]) is { } connection && TryReadToken(message.Data, out var token))
                {
                    connection.SetToken(token);
                }
            }
        }
    }

    /// <summary><c>{"token":{...}|null,"tid":"..."}</c>; anything else is ignored, as Resgate does.</summary>
    private static bool TryReadToken(byte[]? data, out JsonNode? token)
    {
        token = null;
        try
        {
            if (data is { Length: > 0 } && JsonNode.Parse(data) is JsonObject body && body.ContainsKey("token"))
            {
                token = body["token"]?.DeepClone();
                return true;
            }
        }
        catch (System.Text.Json.JsonException)
        {
        }

        return false;
    }
}
