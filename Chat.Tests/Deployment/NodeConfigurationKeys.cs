using System.Collections;
using System.Reflection;
using Chat.Actors.Hosting;
using Chat.Actors.ReadModel;
using Chat.Actors.Rooms;
using Chat.Gateway;
using Chat.Nats;
using Chat.Res.Hosting;

namespace Chat.Tests.Deployment;

/// <summary>
/// Whether a configuration key (<c>Chat:Rooms:GracePeriod</c>, or its environment form with <c>__</c>)
/// is one the node binds, by walking the options classes the node binds its sections to. A misspelt key
/// is silently ignored by .NET configuration, so deployment files are checked against this.
/// </summary>
internal static class NodeConfigurationKeys
{
    private static readonly (string Section, Type Options)[] Sections =
    [
        (ChatClusterOptions.Section, typeof(ChatClusterOptions)),
        (RoomOptions.Section, typeof(RoomOptions)),
        (ChatPersistenceOptions.Section, typeof(ChatPersistenceOptions)),
        (ProjectionOptions.Section, typeof(ProjectionOptions)),
        (GatewayOptions.Section, typeof(GatewayOptions)),
        (ResOptions.Section, typeof(ResOptions)),
        (NatsOptions.Section, typeof(NatsOptions)),
    ];

    public static bool IsBound(string key)
    {
        var path = key.Replace("__", ":", StringComparison.Ordinal);
        if (string.Equals(path, "ConnectionStrings:Chat", StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }

        return Sections.Any(s =>
            path.StartsWith(s.Section + ":", StringComparison.OrdinalIgnoreCase)
            && Walk(s.Options, path[(s.Section.Length + 1)..].Split(':')));
    }

    private static bool Walk(Type type, string[] segments)
    {
        var property = type.GetProperty(segments[0], BindingFlags.Public | BindingFlags.Instance | BindingFlags.IgnoreCase);
        if (property is not { CanWrite: true })
        {
            return false;
        }

        return Fits(property.PropertyType, segments[1..]);
    }

    private static bool Fits(Type type, string[] rest)
    {
        if (rest.Length == 0)
        {
            return IsScalar(type);
        }

        if (type.IsGenericType && typeof(IList).IsAssignableFrom(type))
        {
            return int.TryParse(rest[0], System.Globalization.CultureInfo.InvariantCulture, out _) && Fits(type.GetGenericArguments()[0], rest[1..]);
        }

        return !IsScalar(type) && Walk(type, rest);
    }

    private static bool IsScalar(Type type)
    {
        var t = Nullable.GetUnderlyingType(type) ?? type;
        return t.IsPrimitive || t.IsEnum || t == typeof(string) || t == typeof(TimeSpan) || t == typeof(decimal) || t == typeof(Uri);
    }
}
