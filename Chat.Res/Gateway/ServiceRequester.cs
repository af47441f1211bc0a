using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using NATS.Client.Core;

namespace Chat.Res.Gateway;

/// <summary>
/// Sends RES service requests the way Resgate does: a fresh inbox per request, a deadline that a
/// <c>timeout:"ms"</c> pre-response extends, no responders reported as <c>system.notFound</c> and
/// silence as <c>system.timeout</c>.
/// </summary>
public sealed class ServiceRequester(INatsConnection nats, TimeSpan timeout)
{
    public async Task<JsonObject> RequestAsync(string subject, JsonObject body, CancellationToken cancellationToken)
    {
        var inbox = $"_INBOX.gw.{Guid.NewGuid():N}";
        await using var replies = await nats.SubscribeCoreAsync<byte[]>(inbox, cancellationToken: cancellationToken);
        await nats.PublishAsync(subject, Encoding.UTF8.GetBytes(body.ToJsonString()), replyTo: inbox, cancellationToken: cancellationToken);
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            using var wait = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            var left = deadline - DateTime.UtcNow;
            if (left <= TimeSpan.Zero)
            {
                return ResError.Of("system.timeout", "Request timeout");
            }

            wait.CancelAfter(left);
            NatsMsg<byte[]> reply;
            try
            {
                reply = await replies.Msgs.ReadAsync(wait.Token);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                return ResError.Of("system.timeout", "Request timeout");
            }

            if (reply.HasNoResponders)
            {
                return ResError.Of("system.notFound", "Not found");
            }

            var data = reply.Data ?? [];
            if (data.Length > 0 && char.IsAsciiLetter((char)data[0]))
            {
                if (TryReadPreResponse(Encoding.UTF8.GetString(data), out var extension))
                {
                    deadline = DateTime.UtcNow + extension;
                }

                continue;
            }

            try
            {
                return JsonNode.Parse(data) as JsonObject ?? ResError.Of("system.internalError", "Internal error: response is not an object");
            }
            catch (System.Text.Json.JsonException)
            {
                return ResError.Of("system.internalError", "Internal error: response is not JSON");
            }
        }
    }

    /// <summary>Reads <c>timeout:"15000"</c>; other keys of a pre-response are ignored, as in Resgate.</summary>
    internal static bool TryReadPreResponse(string text, out TimeSpan extension)
    {
        extension = default;
        const string key = "timeout:\"";
        var start = text.IndexOf(key, StringComparison.Ordinal);
        if (start < 0)
        {
            return false;
        }

        var end = text.IndexOf('"', start + key.Length);
        if (end < 0 || !long.TryParse(text.AsSpan(start + key.Length, end - start - key.Length), NumberStyles.None, CultureInfo.InvariantCulture, out var ms))
        {
            return false;
        }

        extension = TimeSpan.FromMilliseconds(ms);
        return true;
    }
}

internal static class ResError
{
    public static JsonObject Of(string code, string message) =>
        new() { ["error"] = new JsonObject { ["code"] = code, ["message"] = message } };
}
