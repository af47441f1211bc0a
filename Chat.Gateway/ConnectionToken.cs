using System.Text.Json.Nodes;

namespace Chat.Gateway;

/// <summary>
/// The token services have set for one connection (<c>conn.{cid}.token</c>), sent with every access,
/// call and auth request of that connection, as Resgate sends it; null until a service sets one.
/// </summary>
internal sealed class ConnectionToken
{
    private readonly Lock _lock = new();
    private JsonNode? _value;

    /// <summary>A copy to put into a request body.</summary>
    public JsonNode? Current
    {
        get
        {
            lock (_lock)
            {
                return _value?.DeepClone();
            }
        }
    }

    public void Set(JsonNode? token)
    {
        lock (_lock)
        {
            _value = token?.DeepClone();
        }
    }
}
