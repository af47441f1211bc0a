using System.Runtime.CompilerServices;
using Chat.Actors.Persistence;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Chat.Actors.ReadModel;

/// <summary>Events to apply and the ordering the projection's offset moves to with them.</summary>
public sealed record ProjectionPage(IReadOnlyList<object> Events, long LastOrdering);

/// <summary>
/// Follows the journal from the stored offset: reads a page after the frontier, hands on what the
/// <see cref="JournalFrontier"/> lets through, and reads again at once when the page was full, or after
/// <see cref="ProjectionOptions.BatchWindow"/> when it has caught up or waits for a gap to close.
/// </summary>
public static partial class JournalTail
{
    public static async IAsyncEnumerable<ProjectionPage> FollowAsync(
        NpgsqlDataSource database,
        string schema,
        Akka.Serialization.Serialization serialization,
        ProjectionOptions options,
        TimeProvider clock,
        ILogger log,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var frontier = new JournalFrontier(await ReadModelWriter.ReadOffsetAsync(database, cancellationToken), options.GapTimeout);
        while (!cancellationToken.IsCancellationRequested)
        {
            var rows = await JournalPages.ReadAfterAsync(database, schema, frontier.Offset, options.BatchSize, cancellationToken);
            var gapsBefore = frontier.OpenGaps;
            var accepted = frontier.Accept(rows.Select(r => r.Ordering).ToList(), clock.GetUtcNow());
            if (frontier.OpenGaps > gapsBefore)
            {
                LogWaiting(log, frontier.Offset + 1);
            }

            if (accepted > 0)
            {
                var events = rows.Take(accepted)
                    .Where(row => !row.Deleted)
                    .Select(row => serialization.Deserialize(row.Message, row.Serializer, row.Manifest))
                    .ToList();
                yield return new ProjectionPage(events, frontier.Offset);
            }

            if (accepted < options.BatchSize)
            {
                await Task.Delay(options.BatchWindow, clock, cancellationToken);
            }
        }
    }

    [LoggerMessage(EventId = 1301, Level = LogLevel.Debug, Message = "Projection waits for journal ordering {Ordering}: taken by a write not committed yet, or never")]
    private static partial void LogWaiting(ILogger logger, long ordering);
}
