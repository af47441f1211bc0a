namespace Chat.Actors.Serialization;

/// <summary>
/// Marker for every type that is persisted or crosses nodes. It binds them all to
/// <see cref="ChatSerializer"/>, so none can silently fall back to Akka's default JSON.
/// </summary>
public interface IChatMessage;
