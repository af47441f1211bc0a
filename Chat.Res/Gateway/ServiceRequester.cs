using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using NATS.Client.Core;

namespace Chat.Res.Gateway;

/// <summary>A service's answer: a result, a resource reference (<c>{"resource":{"rid"}}</c>), or an error.</summary>
public sealed record ServiceReply(JsonNode? Result, ResError? Error, string? ResourceRid = null)
{
    public static ServiceReply Fail(ResError error) => new(null, error);

    /// <summary>Reads a response body; a body that is not a RES response is the service's bug, answered as such.</summary>
    internal static ServiceReply Read(ReadOnlySpan<byte> data)
    {
        JsonObject? response;
        try
        {
            response = JsonNode.Parse(data) as JsonObject;
        }
        catch (System.Text.Json.JsonException)
        {
            return Fail(new ResError(ResError.InternalError.Code, "Internal error: response is not JSON"));
        }

        if (response is null)
        {
            return Fail(new ResError(ResError.InternalError.Code, "Internal error: response is not an object"));
        }

        if (response.ContainsKey("error"))
        {
            return Fail(ResError.Read(response["error"]));
        }

        if (response["resource"] is JsonObject resource)
        {
            return resource["rid"] is JsonValue rid && rid.TryGetValue<string>(out var id) && ClientRequest.IsValidRid(id)
                ? new ServiceReply(null, null, id)
                : Fail(new ResError(ResError.InternalError.Code, "Internal error: malformed resource response"));
        }

        return new ServiceReply(response["result"]?.DeepClone(), null);
    }
}

/// <summary>
/// Sends RES service requests the way Resgate does: a fresh inbox per request, a deadline that a
/// <c>timeout:"ms"</c> pre-response extends, no responders reported as <c>system.notFound</c> and
/// silence as <c>system.timeout</c>. Every request is answered: a request that cannot be sent
/// (NATS gone) is <c>system.timeout</c> too, never an exception.
/// </summary>
public sealed class ServiceRequester(INatsConnection nats, TimeSpan timeout)
{
    public async Task<ServiceReply> RequestAsync(string subject, JsonObject body, CancellationToken cancellationToken)
    {
        var inbox = $"_INBOX.gw.{Guid.NewGuid():N}";
        try
        {
            await using var replies = await nats.SubscribeCoreAsync<byte[]>(inbox, cancellationToken: cancellationToken);
            await nats.PublishAsync(subject, Encoding.UTF8.GetBytes(body.ToJsonString()), replyTo: inbox, cancellationToken: cancellationToken);
            return await AwaitReplyAsync(replies, cancellationToken);
        }
        catch (NatsException) when (!cancellationToken.IsCancellationRequested)
        {
            return ServiceReply.Fail(ResError.Timeout);
        }
    }

    private async Task<ServiceReply> AwaitReplyAsync(INatsSub<byte[]> replies, CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            using var wait = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            var left = deadline - DateTime.UtcNow;
            if (left <= TimeSpan.Zero)
            {
                return ServiceReply.Fail(ResError.Timeout);
            }

            wait.CancelAfter(left);
            NatsMsg<byte[]> reply;
            try
            {
                reply = await replies.Msgs.ReadAsync(wait.Token);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                return ServiceReply.Fail(ResError.Timeout);
            }

            if (reply.HasNoResponders)
            {
                return ServiceReply.Fail(ResError.NotFound);
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

            return ServiceReply.Read(data);
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
