using System.Text.Json.Nodes;

namespace Chat.Gateway;

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
