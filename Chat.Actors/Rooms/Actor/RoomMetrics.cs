using System.Diagnostics.Metrics;

namespace Chat.Actors.Rooms;

/// <summary>The rooms' instruments (meter <c>Chat.Actors</c>); exported by OpenTelemetry in the node.</summary>
public static class RoomMetrics
{
    public const string MeterName = "Chat.Actors";

    private static readonly Meter Meter = new(MeterName);

    public static readonly Counter<long> MessagesStored = Meter.CreateCounter<long>(
        "chat.room.messages", unit: "{message}", description: "Messages stored (acknowledged) by rooms.");

    public static readonly Counter<long> JournalWrites = Meter.CreateCounter<long>(
        "chat.room.journal.writes", unit: "{write}", description: "Journal writes; one per group commit.");

    public static readonly Histogram<long> WriteBatch = Meter.CreateHistogram<long>(
        "chat.room.journal.batch", unit: "{event}", description: "Events carried by one journal write.");

    public static readonly Histogram<double> JournalDuration = Meter.CreateHistogram<double>(
        "chat.room.journal.duration", unit: "ms", description: "From handing a write to the journal until it is durable.");

    public static readonly Histogram<double> CommandDuration = Meter.CreateHistogram<double>(
        "chat.room.command.duration", unit: "ms",
        description: "From a room taking a command that writes until its events and reply are handed to the output (queueing behind the write in flight included).");

    public static readonly Counter<long> WriteFailures = Meter.CreateCounter<long>(
        "chat.room.journal.failures", unit: "{write}", description: "Journal writes that failed or were rejected (answered room.unavailable).");

    public static readonly UpDownCounter<long> WaitingForDatabase = Meter.CreateUpDownCounter<long>(
        "chat.room.waiting_for_database", unit: "{room}",
        description: "Rooms whose last journal recovery or write failed and that have not reached the journal since.");

    public static readonly Counter<long> UnansweredRequests = Meter.CreateCounter<long>(
        "chat.room.requests.unanswered", unit: "{request}", description: "Requests that reached no room (dead letters), answered room.unavailable.");

    public static readonly Counter<long> ResentRequests = Meter.CreateCounter<long>(
        "chat.room.requests.resent", unit: "{request}", description: "Requests a shard region dropped at a shard's hand-off, sent to the region again once.");

    public static readonly Counter<long> Recoveries = Meter.CreateCounter<long>(
        "chat.room.recoveries", unit: "{room}", description: "Rooms that began recovering from the journal (successful or not).");

    public static readonly Histogram<double> RecoveryDuration = Meter.CreateHistogram<double>(
        "chat.room.recovery.duration", unit: "ms",
        description: "From a room starting until its recovery from the journal completed (snapshot, events, replay).");

    public static readonly Counter<long> RoomsStarted = Meter.CreateCounter<long>(
        "chat.room.starts", unit: "{room}", description: "Rooms that finished recovery on this node.");
}
