using System.Text;
using System.Text.Json.Nodes;

namespace Chat.Gateway;

/// <summary>RES client protocol frames as bytes.</summary>
internal static class Frames
{
    public static byte[] Of(JsonObject frame) => Encoding.UTF8.GetBytes(frame.ToJsonString());

    /// <summary>A success: <c>result</c> is always there, <c>null</c> for calls without a value (as Resgate sends it).</summary>
    public static byte[] Result(JsonNode? id, JsonNode? result) =>
        Of(new JsonObject { ["id"] = id?.DeepClone(), ["result"] = result });

    public static byte[] Error(JsonNode? id, ResError error) =>
        Of(new JsonObject { ["id"] = id?.DeepClone(), ["error"] = error.ToJson() });
}
