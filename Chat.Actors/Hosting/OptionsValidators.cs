using System.Text.RegularExpressions;
using Akka.Actor;
using Chat.Actors.Persistence;
using Chat.Actors.ReadModel;
using Chat.Actors.Rooms;
using Microsoft.Extensions.Options;

namespace Chat.Actors.Hosting;

/// <summary>Checks <c>Chat:Rooms</c> at start; each message names the configuration key to fix.</summary>
public sealed class RoomOptionsValidator : IValidateOptions<RoomOptions>
{
    private const string S = RoomOptions.Section;

    public ValidateOptionsResult Validate(string? name, RoomOptions o)
    {
        var errors = new List<string>();
        Positive(errors, o.GracePeriod, $"{S}:GracePeriod");
        Positive(errors, o.HeartbeatInterval, $"{S}:HeartbeatInterval");
        Positive(errors, o.HeartbeatTimeout, $"{S}:HeartbeatTimeout");
        Positive(errors, o.PresenceSweepInterval, $"{S}:PresenceSweepInterval");
        Positive(errors, o.PassivateIdleAfter, $"{S}:PassivateIdleAfter");
        Positive(errors, o.SlowWriteNotice, $"{S}:SlowWriteNotice");
        Positive(errors, o.ActiveRoomSweepInterval, $"{S}:ActiveRoomSweepInterval");
        Range(errors, o.SweepWakesPerSecond, 1, 100_000, $"{S}:SweepWakesPerSecond");
        if (o.HeartbeatTimeout <= o.HeartbeatInterval)
        {
            errors.Add($"{S}:HeartbeatTimeout ({o.HeartbeatTimeout}) must be longer than {S}:HeartbeatInterval ({o.HeartbeatInterval}), or members expire between heartbeats.");
        }

        // After a failover nobody is present until the next heartbeat; a shorter grace would end rooms that still have people.
        if (o.GracePeriod <= o.HeartbeatTimeout)
        {
            errors.Add($"{S}:GracePeriod ({o.GracePeriod}) must be longer than {S}:HeartbeatTimeout ({o.HeartbeatTimeout}).");
        }

        if (o.PassivateIdleAfter <= o.GracePeriod)
        {
            errors.Add($"{S}:PassivateIdleAfter ({o.PassivateIdleAfter}) must be longer than {S}:GracePeriod ({o.GracePeriod}), or empty rooms stop before they can end.");
        }

        Range(errors, o.WindowSize, 1, 10_000, $"{S}:WindowSize");
        Range(errors, o.DedupeWindow, Math.Max(1, o.WindowSize), 1_000_000, $"{S}:DedupeWindow (at least {S}:WindowSize)");
        Range(errors, o.MaxMessageBytes, RoomOptions.MinCiphertextBytes, 16 * 1024 * 1024, $"{S}:MaxMessageBytes");
        Range(errors, o.MaxProfileBytes, RoomOptions.MinCiphertextBytes, 64 * 1024, $"{S}:MaxProfileBytes");
        Range(errors, o.MaxParticipants, 1, 100_000, $"{S}:MaxParticipants");
        ValidateResponseBytes(errors, o);
        Range(errors, o.SnapshotEvery, 1, 1_000_000, $"{S}:SnapshotEvery");
        Range(errors, o.MaxWriteBatch, 1, 100_000, $"{S}:MaxWriteBatch");
        ValidateSendBudgets(errors, o);

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    /// <summary>
    /// Every get and history reply must fit in NATS's max_payload (1 MiB assumed); responses are kept
    /// at half of it, and what they must hold has to fit in that.
    /// </summary>
    private static void ValidateResponseBytes(List<string> errors, RoomOptions o)
    {
        Range(errors, o.MaxResponseBytes, 64 * 1024, 768 * 1024, $"{S}:MaxResponseBytes");

        // A window of one or two largest messages would make the room look empty after each of them.
        var largestMessage = (long)StoredMessage.ResponseBytesFor(o.MaxMessageBytes);
        if (4 * largestMessage > o.MaxResponseBytes)
        {
            errors.Add($"{S}:MaxResponseBytes ({o.MaxResponseBytes}) must hold 4 messages of {S}:MaxMessageBytes " +
                $"({o.MaxMessageBytes} bytes, {largestMessage} in a response): at least {4 * largestMessage}.");
        }

        // The participants collection is not cut, so a full room with the largest profiles must fit.
        var participants = (long)o.MaxParticipants * Participant.ResponseBytesFor(o.MaxProfileBytes);
        if (participants > o.MaxResponseBytes)
        {
            errors.Add($"{S}:MaxParticipants ({o.MaxParticipants}) with profiles of {S}:MaxProfileBytes ({o.MaxProfileBytes}) " +
                $"take {participants} bytes in a response, more than {S}:MaxResponseBytes ({o.MaxResponseBytes}).");
        }
    }

    private static void ValidateSendBudgets(List<string> errors, RoomOptions o)
    {
        Range(errors, o.RateBurst, 1, 100_000, $"{S}:RateBurst");
        Rate(errors, o.RatePerSecond, $"{S}:RatePerSecond");
        Range(errors, o.ConnectionRateBurst, 1, 100_000, $"{S}:ConnectionRateBurst");
        Rate(errors, o.ConnectionRatePerSecond, $"{S}:ConnectionRatePerSecond");
        Range(errors, o.RoomRateBurst, 1, 1_000_000, $"{S}:RoomRateBurst");
        Rate(errors, o.RoomRatePerSecond, $"{S}:RoomRatePerSecond");
        Range(errors, o.RoomBytesPerSecond, 1, int.MaxValue, $"{S}:RoomBytesPerSecond");

        // A byte budget smaller than one message would refuse the largest messages for ever.
        Range(errors, o.RoomBytesBurst, Math.Max(1, o.MaxMessageBytes), int.MaxValue, $"{S}:RoomBytesBurst (at least {S}:MaxMessageBytes)");
    }

    private static void Rate(List<string> errors, double value, string key)
    {
        if (!(value > 0) || double.IsInfinity(value))
        {
            errors.Add($"{key} must be greater than 0.");
        }
    }

    internal static void Positive(List<string> errors, TimeSpan value, string key)
    {
        if (value <= TimeSpan.Zero)
        {
            errors.Add($"{key} must be a positive duration such as 00:00:30.");
        }
    }

    internal static void Range(List<string> errors, int value, int min, int max, string key)
    {
        if (value < min || value > max)
        {
            errors.Add($"{key} must be between {min} and {max}; it is {value}.");
        }
    }
}

public sealed class ChatClusterOptionsValidator : IValidateOptions<ChatClusterOptions>
{
    private const string S = ChatClusterOptions.Section;

    public ValidateOptionsResult Validate(string? name, ChatClusterOptions o)
    {
        var errors = new List<string>();
        if (string.IsNullOrWhiteSpace(o.Hostname))
        {
            errors.Add($"{S}:Hostname is required.");
        }

        RoomOptionsValidator.Range(errors, o.Port, 0, 65535, $"{S}:Port");
        RoomOptionsValidator.Range(errors, o.ShardCount, 1, 10_000, $"{S}:ShardCount");
        for (var i = 0; i < o.SeedNodes.Count; i++)
        {
            if (!ActorPath.TryParseAddress(o.SeedNodes[i], out var address) || address.System != ChatClusterOptions.SystemName)
            {
                errors.Add($"{S}:SeedNodes:{i} '{o.SeedNodes[i]}' is not an address like akka.tcp://{ChatClusterOptions.SystemName}@host:4053.");
            }
        }

        RoomOptionsValidator.Positive(errors, o.AcceptableHeartbeatPause, $"{S}:AcceptableHeartbeatPause");
        ValidateSplitBrainResolver(errors, o.SplitBrainResolver);

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    private static void ValidateSplitBrainResolver(List<string> errors, SplitBrainResolverOptions o)
    {
        const string K = S + ":SplitBrainResolver";
        if (!SplitBrainResolverOptions.Strategies.Contains(o.Strategy))
        {
            errors.Add($"{K}:Strategy must be one of {string.Join(", ", SplitBrainResolverOptions.Strategies)}; it is '{o.Strategy}'.");
        }

        RoomOptionsValidator.Positive(errors, o.StableAfter, $"{K}:StableAfter");
        RoomOptionsValidator.Positive(errors, o.DownRemovalMargin, $"{K}:DownRemovalMargin");
        if (o.Strategy == SplitBrainResolverOptions.StaticQuorum && o.QuorumSize < 1)
        {
            errors.Add($"{K}:QuorumSize must be at least 1 with the {SplitBrainResolverOptions.StaticQuorum} strategy; it is {o.QuorumSize}.");
        }
    }
}

public sealed partial class ChatPersistenceOptionsValidator : IValidateOptions<ChatPersistenceOptions>
{
    private const string S = ChatPersistenceOptions.Section;

    [GeneratedRegex("^[a-z_][a-z0-9_]{0,62}$")]
    private static partial Regex SchemaName();

    public ValidateOptionsResult Validate(string? name, ChatPersistenceOptions o)
    {
        var errors = new List<string>();
        if (string.IsNullOrWhiteSpace(o.ConnectionString))
        {
            errors.Add("ConnectionStrings:Chat is required (a PostgreSQL connection string).");
        }
        else
        {
            try
            {
                var connection = new Npgsql.NpgsqlConnectionStringBuilder(o.ConnectionString);
                if (connection.MinPoolSize > o.MaxPoolSize)
                {
                    errors.Add($"ConnectionStrings:Chat's Minimum Pool Size ({connection.MinPoolSize}) exceeds {S}:MaxPoolSize ({o.MaxPoolSize}), the journal's pool.");
                }
            }
            catch (ArgumentException)
            {
                // The message could echo the password, so it is not repeated here.
                errors.Add("ConnectionStrings:Chat is not a valid PostgreSQL connection string.");
            }
        }

        if (!SchemaName().IsMatch(o.Schema))
        {
            errors.Add($"{S}:Schema '{o.Schema}' must be a lowercase SQL identifier.");
        }

        RoomOptionsValidator.Range(errors, o.Parallelism, 1, 64, $"{S}:Parallelism");
        RoomOptionsValidator.Range(errors, o.MaxPoolSize, 1, 1_000, $"{S}:MaxPoolSize");
        RoomOptionsValidator.Range(errors, o.BatchSize, 1, 10_000, $"{S}:BatchSize");
        if (o.InsertMode is not (JournalBulkCopy.InsertMode or "parameterized" or "inline"))
        {
            errors.Add($"{S}:InsertMode must be copy, parameterized or inline; it is '{o.InsertMode}'.");
        }

        RoomOptionsValidator.Positive(errors, o.QueryRefreshInterval, $"{S}:QueryRefreshInterval");
        RoomOptionsValidator.Positive(errors, o.BreakerResetTimeout, $"{S}:BreakerResetTimeout");
        RoomOptionsValidator.Positive(errors, o.CallTimeout, $"{S}:CallTimeout");
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}

public sealed class ProjectionOptionsValidator : IValidateOptions<ProjectionOptions>
{
    private const string S = ProjectionOptions.Section;

    public ValidateOptionsResult Validate(string? name, ProjectionOptions o)
    {
        var errors = new List<string>();
        RoomOptionsValidator.Range(errors, o.BatchSize, 1, 100_000, $"{S}:BatchSize");
        RoomOptionsValidator.Positive(errors, o.BatchWindow, $"{S}:BatchWindow");
        RoomOptionsValidator.Positive(errors, o.GapTimeout, $"{S}:GapTimeout");
        RoomOptionsValidator.Positive(errors, o.MinBackoff, $"{S}:MinBackoff");
        if (o.MaxBackoff < o.MinBackoff)
        {
            errors.Add($"{S}:MaxBackoff must not be shorter than {S}:MinBackoff.");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
