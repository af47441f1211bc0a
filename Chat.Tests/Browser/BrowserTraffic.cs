using System.Text.Json;
using System.Text.Json.Nodes;

namespace Chat.Tests.Browser;

/// <summary>
/// The capture file driver.mjs writes, one JSON entry a line in the order things happened: every HTTP request
/// (<c>http</c>), WebSocket opened (<c>ws-open</c>), frame sent and received (<c>ws-sent</c>, <c>ws-received</c>)
/// and page error of every page.
/// </summary>
internal sealed class BrowserTraffic(string text)
{
    public string Text { get; } = text;

    public IReadOnlyList<Entry> Entries { get; } =
        [.. text.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(line => new Entry(line, JsonNode.Parse(line)!.AsObject()))];

    /// <summary>
    /// One page's WebSocket connections in the order it opened them, each with the frames sent and received on it.
    /// A page opens its next connection only after the last one closed, so the frames after a <c>ws-open</c> are its own.
    /// </summary>
    public IReadOnlyList<Connection> ConnectionsOf(string page)
    {
        var connections = new List<Connection>();
        foreach (var entry in Entries.Where(e => e.Page == page))
        {
            if (entry.Kind == "ws-open")
            {
                connections.Add(new Connection([], []));
            }
            else if (connections.Count > 0 && entry.Frame is { } frame)
            {
                (entry.Kind == "ws-sent" ? connections[^1].Sent : connections[^1].Received).Add(frame);
            }
        }

        return connections;
    }

    /// <summary>One captured entry: its line as written (searched as it is, since re-serializing would escape characters) and its JSON.</summary>
    internal sealed record Entry(string Line, JsonObject Json)
    {
        public string Kind => Json["kind"]!.GetValue<string>();

        public string? Page => Json["page"]?.GetValue<string>();

        /// <summary>The frame of a <c>ws-sent</c> or <c>ws-received</c> entry, or null for other entries and frames that are no JSON object.</summary>
        public JsonObject? Frame
        {
            get
            {
                if (Kind is not ("ws-sent" or "ws-received") || Json["payload"] is not JsonValue payload)
                {
                    return null;
                }

                try
                {
                    return JsonNode.Parse(payload.GetValue<string>()) as JsonObject;
                }
                catch (JsonException)
                {
                    return null;
                }
            }
        }

        /// <summary>The RES method of a frame the page sent (<c>auth.room.{id}.unlock</c>, <c>call.room.{id}.join</c>, ...).</summary>
        public string? Method => Kind == "ws-sent" && Frame?["method"] is JsonValue method ? method.GetValue<string>() : null;
    }

    internal sealed record Connection(List<JsonObject> Sent, List<JsonObject> Received)
    {
        public List<string> Methods => [.. Sent.Select(f => f["method"]?.GetValue<string>() ?? string.Empty)];

        /// <summary>The gateway's answer to the first request with this method on this connection.</summary>
        public JsonObject? AnswerTo(string method)
        {
            var id = Sent.FirstOrDefault(f => f["method"]?.GetValue<string>() == method)?["id"]?.GetValue<int>();
            return id is null ? null : Received.FirstOrDefault(f => f["id"] is JsonValue v && v.GetValue<int>() == id);
        }
    }
}
