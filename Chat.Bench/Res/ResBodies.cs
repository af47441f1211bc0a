using System.Text.Json.Nodes;
using Chat.Client.Envelope;

namespace Chat.Bench.Res;

/// <summary>
/// RES service-protocol request bodies exactly as Resgate sends them: cid, token, params. Calls carry the
/// token the service set when the connection unlocked the room (docs/capability.md), as Resgate forwards it.
/// </summary>
public static class ResBodies
{
    public static string Join(string cid, string roomId, MemberKey member, SealedBox profile) => new JsonObject
    {
        ["cid"] = cid,
        ["token"] = Unlocked(roomId),
        ["params"] = JoinParams(member, profile),
    }.ToJsonString();

    public static string Send(string cid, string roomId, MemberKey member, string id, SealedBox box) => new JsonObject
    {
        ["cid"] = cid,
        ["token"] = Unlocked(roomId),
        ["params"] = SendParams(member, id, box),
    }.ToJsonString();

    public static string Get(string cid) => new JsonObject { ["cid"] = cid, ["token"] = null }.ToJsonString();

    /// <summary>The connection token once <c>auth.room.{id}.unlock</c> succeeded: <c>{"rooms":[id]}</c>.</summary>
    public static JsonObject Unlocked(string roomId) => new() { ["rooms"] = new JsonArray(roomId) };

    /// <summary>The parameters of <c>auth.room.{id}.unlock</c>, as the page sends them.</summary>
    public static JsonObject UnlockParams(BenchRoom room) => new() { ["proof"] = room.Proof };

    public static JsonObject JoinParams(MemberKey member, SealedBox profile) => new()
    {
        ["memberKey"] = member.ToString(),
        ["profile"] = new JsonObject { ["ciphertext"] = profile.Ciphertext, ["nonce"] = profile.Nonce },
    };

    public static JsonObject SendParams(MemberKey member, string id, SealedBox box) => new()
    {
        ["id"] = id,
        ["ciphertext"] = box.Ciphertext,
        ["nonce"] = box.Nonce,
        ["memberKey"] = member.ToString(),
    };

    /// <summary>A reply is a result, or a resource response (join); anything else is an error.</summary>
    public static bool IsSuccess(string reply) =>
        reply.StartsWith("{\"result\"", StringComparison.Ordinal) || reply.StartsWith("{\"resource\"", StringComparison.Ordinal);
}
