using System.Text.Json.Nodes;
using Chat.Client.Envelope;

namespace Chat.Bench.Res;

/// <summary>RES service-protocol request bodies exactly as Resgate sends them: cid, token, params.</summary>
public static class ResBodies
{
    public static string Join(string cid, string member, SealedBox profile) => new JsonObject
    {
        ["cid"] = cid,
        ["token"] = null,
        ["params"] = JoinParams(member, profile),
    }.ToJsonString();

    public static string Send(string cid, string member, string id, SealedBox box) => new JsonObject
    {
        ["cid"] = cid,
        ["token"] = null,
        ["params"] = SendParams(member, id, box),
    }.ToJsonString();

    public static string Get(string cid) => new JsonObject { ["cid"] = cid, ["token"] = null }.ToJsonString();

    public static JsonObject JoinParams(string member, SealedBox profile) => new()
    {
        ["member"] = member,
        ["profile"] = new JsonObject { ["ciphertext"] = profile.Ciphertext, ["nonce"] = profile.Nonce },
    };

    public static JsonObject SendParams(string member, string id, SealedBox box) => new()
    {
        ["id"] = id,
        ["ciphertext"] = box.Ciphertext,
        ["nonce"] = box.Nonce,
        ["member"] = member,
    };

    /// <summary>A reply is a result, or a resource response (join); anything else is an error.</summary>
    public static bool IsSuccess(string reply) =>
        reply.StartsWith("{\"result\"", StringComparison.Ordinal) || reply.StartsWith("{\"resource\"", StringComparison.Ordinal);
}
