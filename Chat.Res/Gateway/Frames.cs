using System.Text;
using System.Text.Json.Nodes;

namespace Chat.Res.Gateway;

/// <summary>RES client protocol frames as bytes.</summary>
internal static class Frames
{
    public static byte[] Of(JsonObject frame) => Encoding.UTF8.GetBytes(frame.ToJsonString());

    public static byte[] Result(JsonNode? id, JsonNode? result)
    {
        var frame = new JsonObject { ["id"] = id?.DeepClone() };
        if (result is not null)
        {
            frame["result"] = result;
        }

        return Of(frame);
    }

    public static byte[] Error(JsonNode? id, ResError error) =>
        Of(new JsonObject { ["id"] = id?.DeepClone(), ["error"] = error.ToJson() });
}
