using Akka.Actor;
using Akka.Configuration;
using Chat.Actors.Serialization;

namespace Chat.Actors.ReadModel;

/// <summary>
/// A small actor system for tools: no cluster, no rooms, no journal; only our serializer, so a
/// replay decodes exactly what the nodes wrote.
/// </summary>
public static class ReplayActorSystem
{
    public static ActorSystem Create()
    {
        var serializer = $$"""
            akka.loglevel = WARNING
            akka.actor.serializers.chat = "{{typeof(ChatSerializer).FullName}}, {{typeof(ChatSerializer).Assembly.GetName().Name}}"
            akka.actor.serialization-bindings { "{{typeof(IChatMessage).FullName}}, {{typeof(IChatMessage).Assembly.GetName().Name}}" = chat }
            """;
        return ActorSystem.Create("chat-replay", ConfigurationFactory.ParseString(serializer));
    }
}
