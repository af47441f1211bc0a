using Akka.Cluster.Sharding;

namespace Chat.Actors.Rooms;

/// <summary>Registry key of the room shard region (a marker, not the actor type).</summary>
public sealed class RoomRegion;

/// <summary>Routes everything that names a room to that room's entity.</summary>
public sealed class RoomMessageExtractor(int shardCount) : HashCodeMessageExtractor(shardCount)
{
    public const string TypeName = "room";

    public override string? EntityId(object message) => message is IWithRoomId withRoom ? withRoom.RoomId : null;
}
