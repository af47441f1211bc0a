using System.Buffers.Text;
using System.Text;
using System.Text.Json.Nodes;
using Chat.Tests.Infrastructure;

namespace Chat.Tests.Hostile;

/// <summary>What the gateway must do with a fuzzed frame.</summary>
public enum FuzzExpectation
{
    /// <summary>One answer: a response with the frame's numeric id, or an error without one.</summary>
    Answer,

    /// <summary>The socket is closed with a status and a reason (binary or oversized frames).</summary>
    Close,

    /// <summary>
    /// The WebSocket layer closes the socket (a text frame that is not UTF-8): with status 1007, which
    /// the reset that follows can overtake, so only the closing itself is certain.
    /// </summary>
    CloseByWebSocketLayer,

    /// <summary>The client resets the connection right after sending.</summary>
    Reset,
}

public sealed record FuzzFrame(byte[] Bytes, bool Binary, long? Id, FuzzExpectation Expect);

/// <summary>
/// Seeded generators of malformed RES input, for the WebSocket gateway and for the service on NATS.
/// Nothing generated is a valid join, send or leave of a present member, so no room may change: a
/// <c>memberKey</c> is never a key at all (a valid one would join someone new), while <c>member</c> may
/// name one of <paramref name="members"/>, as someone who read it in the participants list would.
/// The rooms were made by <see cref="TestPayloads.NewRoomId"/>, so their proofs are at hand: unlocks
/// come with the right proof too, which changes a connection's token and no room.
/// </summary>
public sealed class FuzzInput(int seed, IReadOnlyList<string> rooms, int maxFrameBytes, IReadOnlyList<string>? members = null)
{
    private static readonly string[] Types = ["subscribe", "unsubscribe", "get", "call", "version", "auth", "new", "access", "", "SUBSCRIBE"];
    private static readonly string[] RoomMethods = ["join", "leave", "heartbeat", "messages.send", "messages.history", "unlock", "unknown", ""];

    // Every byte class a token can hold: letters, digits, allowed punctuation, separators and
    // wildcards, whitespace, control characters, quotes, non-ASCII and astral characters.
    private static readonly string[] CharClasses =
    [
        "abcxyzABCXYZ", "0123456789", "_-", ".", "*>", " \t\r\n", "\u0000\u0001\u001f\u007f", "\"\\'/", "éü中文", "\U0001F600", "$%&()+,:;<=?@[]^`{|}~",
    ];

    private readonly Random _random = new(seed);
    private long _id;

    public FuzzFrame NextFrame()
    {
        var roll = _random.Next(100);
        return roll switch
        {
            < 3 => new FuzzFrame(Encoding.UTF8.GetBytes(Request(RandomMethod(), RandomParams())), Binary: true, null, FuzzExpectation.Close),
            < 5 => new FuzzFrame(Encoding.UTF8.GetBytes(new string('x', maxFrameBytes + 1 + _random.Next(1000))), false, null, FuzzExpectation.Close),
            < 7 => new FuzzFrame([0x7b, (byte)_random.Next(0x80, 0x100), 0x7d], false, null, FuzzExpectation.CloseByWebSocketLayer),
            < 10 => Reset(),
            < 20 => Unidentified(),
            < 30 => WithBadId(),
            _ => Numbered(),
        };
    }

    /// <summary>A request on NATS: a subject under the service's prefixes and a body of any shape.</summary>
    public (string Subject, byte[] Body) NextNatsRequest()
    {
        var type = Pick(["access", "get", "call", "auth"]);
        var room = _random.Next(3) == 0 ? RandomToken(1, 40, natsSafe: true) : Pick(rooms);
        var tail = _random.Next(type == "auth" ? 5 : 4) switch
        {
            0 => string.Empty,
            1 => "." + Pick(RoomMethods.Where(m => m.Length > 0).ToArray()),
            2 => "." + string.Join('.', Enumerable.Range(0, _random.Next(1, 5)).Select(_ => RandomToken(1, 30, natsSafe: true))),
            // The service's one auth method, often enough for its parameters to be reached.
            4 => ".unlock",
            _ => "." + RandomToken(1, _random.Next(2) == 0 ? 200 : 3000, natsSafe: true),
        };
        var body = _random.Next(7) switch
        {
            0 => RandomBytes(_random.Next(0, 2000)),
            1 => Encoding.UTF8.GetBytes(DeepJson(_random.Next(1, 2000))),
            2 => Encoding.UTF8.GetBytes(new JsonObject { ["cid"] = RandomJsonValue(), ["token"] = RandomJsonValue(), ["params"] = RandomParams() }.ToJsonString()),
            3 => Encoding.UTF8.GetBytes($"{{\"token\":{{\"rooms\":[\"{Pick(rooms)}\"]}},\"params\":{{\"ciphertext\":\"{new string('A', _random.Next(1, 900_000))}\"}}}}"),
            4 => Encoding.UTF8.GetBytes(RandomParams()?.ToJsonString() ?? "null"),
            // As a gateway sends it after an unlock (or near enough): past the access check, into the room's parser.
            6 => Encoding.UTF8.GetBytes(new JsonObject { ["cid"] = RandomCid(), ["token"] = RandomConnectionToken(), ["params"] = RandomParams() }.ToJsonString()),
            _ => [],
        };
        return ($"{type}.room.{room}{tail}", body);
    }

    private FuzzFrame Numbered()
    {
        var id = ++_id;
        return new FuzzFrame(Encoding.UTF8.GetBytes(Request(RandomMethod(), RandomParams(), id)), false, id, FuzzExpectation.Answer);
    }

    private FuzzFrame Reset()
    {
        var method = $"subscribe.room.{Pick(rooms)}";
        return new FuzzFrame(Encoding.UTF8.GetBytes(Request(method, null, ++_id)), false, null, FuzzExpectation.Reset);
    }

    private FuzzFrame Unidentified()
    {
        var text = _random.Next(6) switch
        {
            0 => DeepJson(_random.Next(1, 20_000)),
            1 => Encoding.UTF8.GetString(RandomBytes(_random.Next(1, 500))).Replace('\uFFFD', '?'),
            2 => RandomJsonValue()?.ToJsonString() ?? "null",
            3 => "{\"method\":" + (RandomJsonValue()?.ToJsonString() ?? "null") + "}",
            4 => Request(RandomMethod(), RandomParams())[..^1],
            _ => "{\"params\":" + (RandomParams()?.ToJsonString() ?? "null") + ",\"method\":\"" + RandomMethod().Replace("\"", string.Empty, StringComparison.Ordinal) + "\"",
        };
        return new FuzzFrame(Encoding.UTF8.GetBytes(text), false, null, FuzzExpectation.Answer);
    }

    private FuzzFrame WithBadId()
    {
        var id = _random.Next(4) switch
        {
            0 => (JsonNode)new JsonObject { ["x"] = 1 },
            1 => new JsonArray(1, 2),
            2 => JsonValue.Create(true),
            _ => JsonValue.Create(new string('i', 65 + _random.Next(1000))),
        };
        var frame = new JsonObject { ["id"] = id, ["method"] = RandomMethod(), ["params"] = RandomParams() };
        return new FuzzFrame(Encoding.UTF8.GetBytes(frame.ToJsonString()), false, null, FuzzExpectation.Answer);
    }

    private string RandomMethod()
    {
        var type = Pick(Types);
        return _random.Next(5) switch
        {
            0 => $"{type}.{RandomToken(0, _random.Next(2) == 0 ? 300 : 6000, natsSafe: false)}",
            1 => $"{type}.room.{Pick(rooms)}.{Pick(RoomMethods)}",
            2 => $"{type}.room.{Pick(rooms)}{(_random.Next(2) == 0 ? ".messages" : ".participants")}",
            3 => $"{type}.room.{RandomToken(1, 60, natsSafe: false)}.{RandomToken(0, 80, natsSafe: false)}",
            _ => RandomToken(0, 100, natsSafe: false),
        };
    }

    /// <summary>Parameters of every wrong shape; a member key is never one (<see cref="NotAMemberKey"/>).</summary>
    private JsonNode? RandomParams() => _random.Next(10) switch
    {
        0 => null,
        1 => RandomJsonValue(),
        2 => new JsonObject { ["memberKey"] = NotAMemberKey(), ["member"] = SomeMember(), ["profile"] = RandomJsonValue() },
        3 => new JsonObject { ["member"] = RandomJsonValue(), ["id"] = RandomJsonValue(), ["ciphertext"] = RandomJsonValue(), ["nonce"] = RandomJsonValue() },
        4 => new JsonObject { ["before"] = RandomJsonValue(), ["limit"] = RandomJsonValue() },
        5 => new JsonObject { ["count"] = RandomJsonValue(), ["protocol"] = RandomJsonValue() },
        6 => JsonNode.Parse(DeepJson(_random.Next(1, 60))),
        7 => new JsonObject { ["proof"] = SomeProof() },
        // A present member's id where the key belongs, with a well-formed profile: what a link holder would try.
        8 => new JsonObject { ["memberKey"] = SomeMember(), ["profile"] = new JsonObject { ["ciphertext"] = TestPayloads.Base64(48), ["nonce"] = TestPayloads.Base64(12) } },
        _ => new JsonObject { ["memberKey"] = NotAMemberKey(), ["member"] = SomeMember(), ["id"] = Guid.NewGuid().ToString(), ["ciphertext"] = Convert.ToBase64String(RandomBytes(_random.Next(0, 100))), ["nonce"] = "AAAA" },
    };

    /// <summary>Never a member key (43 canonical base64url characters): a valid one would be a new member, a change.</summary>
    private JsonNode? NotAMemberKey() => _random.Next(6) switch
    {
        0 => "bad!" + RandomToken(12, 60, natsSafe: true),
        1 => Base64Url.EncodeToString(RandomBytes(32)) + "=",
        2 => Base64Url.EncodeToString(RandomBytes(_random.Next(2) == 0 ? 31 : 33)),
        3 => Convert.ToBase64String(RandomBytes(32)),
        4 => JsonValue.Create(_random.NextInt64()),
        _ => null,
    };

    /// <summary>A present member's id (22 characters, not a key), or a made-up one.</summary>
    private JsonValue SomeMember() => members is { Count: > 0 } && _random.Next(2) == 0
        ? JsonValue.Create(Pick(members))
        : JsonValue.Create("bad!" + RandomToken(12, 60, natsSafe: true));

    /// <summary>Proofs right and wrong: another room's, this one's in another spelling, garbage, or a room's own.</summary>
    private JsonNode? SomeProof()
    {
        var proof = TestPayloads.ProofOf(Pick(rooms));
        return _random.Next(6) switch
        {
            0 => proof,
            1 => proof + "=",
            2 => Convert.ToBase64String(Base64Url.DecodeFromChars(proof)),
            3 => proof[..^1],
            4 => RandomJsonValue(),
            _ => RandomToken(0, 200, natsSafe: false),
        };
    }

    /// <summary>The <c>cid</c> of a request on NATS: mostly a gateway's, sometimes one aimed at another subject.</summary>
    private JsonNode? RandomCid() => _random.Next(3) switch
    {
        0 => RandomJsonValue(),
        1 => RandomToken(1, 80, natsSafe: false),
        _ => "fuzz" + _random.Next(1000),
    };

    /// <summary>A connection token: the gateway's after an unlock of a target room, or something near it.</summary>
    private JsonNode? RandomConnectionToken() => _random.Next(5) switch
    {
        0 => RandomJsonValue(),
        1 => new JsonObject { ["rooms"] = new JsonArray(Pick(rooms)) },
        2 => new JsonObject { ["rooms"] = new JsonArray([.. rooms.Select(r => (JsonNode?)JsonValue.Create(r))]) },
        3 => new JsonObject { ["rooms"] = new JsonArray([.. Enumerable.Range(0, _random.Next(1, 60)).Select(_ => RandomJsonValue()), JsonValue.Create(Pick(rooms))]) },
        _ => new JsonObject { ["rooms"] = RandomJsonValue() },
    };

    private JsonNode? RandomJsonValue() => _random.Next(9) switch
    {
        0 => null,
        1 => JsonValue.Create(_random.Next(2) == 0),
        2 => JsonValue.Create(_random.NextInt64(long.MinValue, long.MaxValue)),
        3 => JsonValue.Create(_random.NextDouble() * 1e300),
        4 => JsonValue.Create(RandomToken(0, 200, natsSafe: false)),
        5 => new JsonArray(JsonValue.Create(1), JsonValue.Create("x")),
        6 => new JsonObject { ["a"] = new JsonObject { ["b"] = new JsonArray() } },
        7 => JsonValue.Create(-1),
        _ => JsonValue.Create(new string('A', _random.Next(0, 5000))),
    };

    private string RandomToken(int min, int max, bool natsSafe)
    {
        var length = _random.Next(min, Math.Max(min, max) + 1);
        var builder = new StringBuilder(length);
        while (builder.Length < length)
        {
            var chars = Pick(CharClasses);
            var c = chars[_random.Next(chars.Length)];
            if (natsSafe && (c is ' ' or '\t' or '\r' or '\n' or '.' or '*' or '>' or < ' ' || c > '~'))
            {
                continue;
            }

            builder.Append(c);
        }

        return builder.ToString();
    }

    private string DeepJson(int depth) => _random.Next(2) == 0
        ? new string('[', depth) + new string(']', depth)
        : string.Concat(Enumerable.Repeat("{\"a\":", depth)) + "1" + new string('}', depth);

    private static string Request(string method, JsonNode? parameters, long? id = null)
    {
        var frame = new JsonObject();
        if (id is not null)
        {
            frame["id"] = id;
        }

        frame["method"] = method;
        if (parameters is not null)
        {
            frame["params"] = parameters.DeepClone();
        }

        return frame.ToJsonString();
    }

    private byte[] RandomBytes(int length)
    {
        var bytes = new byte[length];
        _random.NextBytes(bytes);
        return bytes;
    }

    private T Pick<T>(IReadOnlyList<T> items) => items[_random.Next(items.Count)];
}
