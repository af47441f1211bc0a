using System.Text.Json.Nodes;

namespace Chat.Gateway;

/// <summary>
/// Applies one RES event to a cached resource's data, as Resgate does: a change event keeps only the
/// properties that really change, an add or remove needs an index inside the collection, anything
/// malformed for this resource is ignored.
/// </summary>
public static class ResourcePatch
{
    /// <summary>
    /// Changes <paramref name="data"/> in place; returns whether clients should see the event and,
    /// if so, the event data to send them.
    /// </summary>
    public static (bool Forward, JsonNode? Data) Apply(JsonNode data, string name, JsonNode? payload) => (name, data, payload) switch
    {
        ("change", JsonObject model, JsonObject { } change) when change["values"] is JsonObject values => ApplyChange(model, values),
        ("add", JsonArray collection, JsonObject { } add) when Index(add, collection.Count) is { } at => Insert(collection, at, add),
        ("remove", JsonArray collection, JsonObject { } remove) when Index(remove, collection.Count - 1) is { } at => Remove(collection, at, remove),
        ("change" or "add" or "remove", _, _) => (false, null),
        _ => (true, payload),
    };

    private static (bool, JsonNode?) ApplyChange(JsonObject model, JsonObject values)
    {
        var changed = new JsonObject();
        foreach (var (key, value) in values)
        {
            var deleted = IsDelete(value);
            if (deleted ? model.ContainsKey(key) : !JsonNode.DeepEquals(model[key], value))
            {
                changed[key] = value?.DeepClone();
            }
        }

        if (changed.Count == 0)
        {
            return (false, null);
        }

        foreach (var (key, value) in changed)
        {
            if (IsDelete(value))
            {
                model.Remove(key);
            }
            else
            {
                model[key] = value?.DeepClone();
            }
        }

        return (true, new JsonObject { ["values"] = changed });
    }

    private static (bool, JsonNode?) Insert(JsonArray collection, int at, JsonObject add)
    {
        collection.Insert(at, add["value"]?.DeepClone());
        return (true, add);
    }

    private static (bool, JsonNode?) Remove(JsonArray collection, int at, JsonObject remove)
    {
        collection.RemoveAt(at);
        return (true, remove);
    }

    private static int? Index(JsonObject payload, int max) =>
        payload["idx"] is JsonValue idx && idx.TryGetValue<int>(out var at) && at >= 0 && at <= max ? at : null;

    private static bool IsDelete(JsonNode? value) =>
        value is JsonObject o && o["action"] is JsonValue action && action.TryGetValue<string>(out var a) && a == "delete";
}
