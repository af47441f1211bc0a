using System.Text.Json.Nodes;

namespace Chat.Tests.Res;

internal static class JsonAssert
{
    /// <summary>Structural equality: property order and whitespace do not matter, values and types do.</summary>
    public static void Equal(JsonNode? actual, string expected)
    {
        var expectedNode = JsonNode.Parse(expected);
        JsonNode.DeepEquals(actual, expectedNode).Should().BeTrue($"{actual?.ToJsonString()} should equal {expectedNode?.ToJsonString()}");
    }
}
