using System.Text.Json.Nodes;
using Chat.Gateway;
using Chat.Nats;

namespace Chat.Tests.Gateway;

public sealed class ResourceDiffTests
{
    [Theory]
    [InlineData("[1,2,3]", "[1,2,3]")]
    [InlineData("[1,2,3]", "[2,3,4]")]
    [InlineData("[1,2,3]", "[3,4,5,6]")]
    [InlineData("[1,2,3]", "[]")]
    [InlineData("[]", "[1,2]")]
    [InlineData("[1,2,3]", "[1,9,3]")]
    [InlineData("[1,2,3]", "[1,2]")]
    [InlineData("[1,2,3]", "[7]")]
    public void CollectionEvents_TurnTheCachedListIntoTheFreshOne(string cached, string fresh)
    {
        var list = JsonNode.Parse(cached)!.AsArray();

        foreach (var (name, data) in ResourceDiff.Events(JsonNode.Parse(cached)!, JsonNode.Parse(fresh)!))
        {
            var idx = data["idx"]!.GetValue<int>();
            if (name == "add")
            {
                list.Insert(idx, data["value"]!.DeepClone());
            }
            else
            {
                list.RemoveAt(idx);
            }
        }

        JsonNode.DeepEquals(list, JsonNode.Parse(fresh)).Should().BeTrue(list.ToJsonString());
    }

    [Fact]
    public void WindowMovingOn_IsOneRemoveAtTheFrontAndOneAddAtTheEnd()
    {
        var events = ResourceDiff.Events(JsonNode.Parse("[1,2,3]")!, JsonNode.Parse("[2,3,4]")!).Select(e => (e.Name, e.Data.ToJsonString())).ToList();

        events.Should().Equal(("remove", """{"idx":0}"""), ("add", """{"idx":2,"value":4}"""));
    }

    [Fact]
    public void ModelEvents_CarryChangedAndDeletedPropertiesOnly()
    {
        var events = ResourceDiff.Events(JsonNode.Parse("""{"a":1,"b":2,"c":3}""")!, JsonNode.Parse("""{"a":1,"b":5,"d":4}""")!).ToList();

        events.Should().ContainSingle().Which.Name.Should().Be("change");
        JsonNode.DeepEquals(events[0].Data, JsonNode.Parse("""{"values":{"b":5,"d":4,"c":{"action":"delete"}}}""")).Should().BeTrue();
    }

    [Fact]
    public void UnchangedModel_GivesNoEvent()
    {
        ResourceDiff.Events(JsonNode.Parse("""{"a":1}""")!, JsonNode.Parse("""{"a":1}""")!).Should().BeEmpty();
    }

    [Theory]
    [InlineData("room.>", "room.x", true)]
    [InlineData("room.>", "room.x.messages", true)]
    [InlineData("room.>", "room", false)]
    [InlineData("room.*", "room.x", true)]
    [InlineData("room.*", "room.x.messages", false)]
    [InlineData("room.x", "room.x", true)]
    [InlineData("room.x.>", "room.x", false)]
    public void ResetPatterns_MatchLikeNatsSubjects(string pattern, string rid, bool matches)
    {
        SubjectPattern.Matches(pattern, rid).Should().Be(matches);
    }

    [Theory]
    [InlineData("timeout:\"15000\"", 15000)]
    [InlineData("foo:\"1\" timeout:\"2500\"", 2500)]
    public void PreResponses_AreRead(string text, int ms)
    {
        ResPreResponse.TryReadTimeout(text, out var extension).Should().BeTrue();
        extension.Should().Be(TimeSpan.FromMilliseconds(ms));
    }
}
