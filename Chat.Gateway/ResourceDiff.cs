using System.Text.Json.Nodes;

namespace Chat.Gateway;

/// <summary>The events that turn a cached resource into its freshly fetched state (after system.reset).</summary>
public static class ResourceDiff
{
    public static IEnumerable<(string Name, JsonNode Data)> Events(JsonNode cached, JsonNode fresh)
    {
        if (cached is JsonObject oldModel && fresh is JsonObject newModel)
        {
            var values = new JsonObject();
            foreach (var (key, value) in newModel)
            {
                if (!oldModel.TryGetPropertyValue(key, out var old) || !JsonNode.DeepEquals(old, value))
                {
                    values[key] = value?.DeepClone();
                }
            }

            foreach (var (key, _) in oldModel.Where(p => !newModel.ContainsKey(p.Key)))
            {
                values[key] = new JsonObject { ["action"] = "delete" };
            }

            if (values.Count > 0)
            {
                yield return ("change", new JsonObject { ["values"] = values });
            }

            yield break;
        }

        if (cached is JsonArray oldItems && fresh is JsonArray newItems)
        {
            // Drop the fewest items from the front so that what is left lines up with the new list
            // (the message window moving on), then trim or extend the end. Always yields the new list.
            var front = 0;
            while (!Aligned(oldItems, newItems, front))
            {
                front++;
            }

            for (var i = 0; i < front; i++)
            {
                yield return ("remove", new JsonObject { ["idx"] = 0 });
            }

            var common = Math.Min(oldItems.Count - front, newItems.Count);
            for (var i = oldItems.Count - front - 1; i >= common; i--)
            {
                yield return ("remove", new JsonObject { ["idx"] = i });
            }

            for (var i = common; i < newItems.Count; i++)
            {
                yield return ("add", new JsonObject { ["idx"] = i, ["value"] = newItems[i]?.DeepClone() });
            }
        }
    }

    /// <summary>True when old[skip..] starts the new list for as long as both have items.</summary>
    private static bool Aligned(JsonArray oldItems, JsonArray newItems, int skip)
    {
        var length = Math.Min(oldItems.Count - skip, newItems.Count);
        for (var i = 0; i < length; i++)
        {
            if (!JsonNode.DeepEquals(oldItems[skip + i], newItems[i]))
            {
                return false;
            }
        }

        return true;
    }
}
