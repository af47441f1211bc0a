using System.Globalization;
using Chat.Actors.Hosting;
using Npgsql;

namespace Chat.Actors.Persistence;

/// <summary>
/// Akka.Persistence.Sql configured by HOCON: journal, snapshot store and read journal on PostgreSQL in
/// one schema. Events carry no tags: nothing reads by tag (the projection and replay page the journal by
/// <c>ordering</c>, docs/read-model.md), and a tagged event costs a tag row and makes the plugin insert a
/// batch's journal rows one statement each instead of one multi-row insert.
/// </summary>
public static class PersistenceHocon
{
    public const string JournalId = "akka.persistence.journal.sql";
    public const string SnapshotStoreId = "akka.persistence.snapshot-store.sql";
    public const string ReadJournalId = "akka.persistence.query.journal.sql";
    public const string ProviderName = "PostgreSQL.15";

    public static string Build(ChatPersistenceOptions options)
    {
        var connection = Quote(JournalConnectionString(options));
        var schema = Quote(options.Schema);
        var refresh = Milliseconds(options.QueryRefreshInterval);
        var callTimeout = Milliseconds(options.CallTimeout);
        var resetTimeout = Milliseconds(options.BreakerResetTimeout);
        var parameters = options.InsertMode == "inline" ? "false" : "true";
        var rowByRow = options.InsertMode == JournalBulkCopy.InsertMode ? JournalBulkCopy.RowByRowAtMost : 100;
        return $$"""
            akka.persistence {
              journal {
                plugin = "{{JournalId}}"
                sql {
                  class = "Akka.Persistence.Sql.Journal.SqlWriteJournal, Akka.Persistence.Sql"
                  connection-string = {{connection}}
                  provider-name = "{{ProviderName}}"
                  table-mapping = default
                  default.schema-name = {{schema}}
                  tag-write-mode = TagTable
                  prefer-parameters-on-multirow-insert = {{parameters}}
                  max-row-by-row-size = {{rowByRow}}
                  parallelism = {{options.Parallelism}}
                  batch-size = {{options.BatchSize}}
                  auto-initialize = on
                  circuit-breaker { call-timeout = {{callTimeout}}, reset-timeout = {{resetTimeout}} }
                  # A recovery that hears nothing for this long fails; the room is started again by a later
                  # request. Akka's 30 s left a request that came in while a recovery hung (a connection opened
                  # just as the database died) unanswered for longer than any client waits. 5 s leaves room for
                  # the first recovery on a cold node, which waits for the plugin to create its tables.
                  recovery-event-timeout = 5s
                }
              }
              snapshot-store {
                plugin = "{{SnapshotStoreId}}"
                sql {
                  class = "Akka.Persistence.Sql.Snapshot.SqlSnapshotStore, Akka.Persistence.Sql"
                  # Never opens. Half-open, the breaker throws at a second concurrent load instead of failing it;
                  # the store then restarts, re-runs its table initialization (failing every second while the
                  # database is away) and the load it was handling is never answered, so its room waits for
                  # Akka's 30 s recovery timeout. A closed breaker fails each load by itself, at once when the
                  # database refuses connections; rooms back off between attempts (docs/rooms.md).
                  circuit-breaker { max-failures = 1000000000, call-timeout = {{callTimeout}}, reset-timeout = {{resetTimeout}} }
                  connection-string = {{connection}}
                  provider-name = "{{ProviderName}}"
                  table-mapping = default
                  default.schema-name = {{schema}}
                  auto-initialize = on
                }
              }
              query.journal.sql {
                class = "Akka.Persistence.Sql.Query.SqlReadJournalProvider, Akka.Persistence.Sql"
                connection-string = {{connection}}
                provider-name = "{{ProviderName}}"
                write-plugin = "{{JournalId}}"
                table-mapping = default
                default.schema-name = {{schema}}
                tag-read-mode = TagTable
                refresh-interval = {{refresh}}
                journal-sequence-retrieval.query-delay = {{refresh}}
              }
            }
            """;
    }

    /// <summary>
    /// The connection string of the journal, snapshot store and read journal (one pool): the plugin opens a
    /// pooled connection per write, and by default Npgsql resets its session on return with a
    /// <c>DISCARD ALL</c> sent before the next command. The plugin keeps no session state, so that statement
    /// is pure cost on every write (it showed up at one per send in pg_stat_statements). The pool is kept
    /// small (<see cref="ChatPersistenceOptions.MaxPoolSize"/>): Npgsql lends its oldest idle connection, so
    /// every connection a pool ever opened keeps taking writes in turn, each a server process of its own.
    /// Its connections are named <see cref="ConnectionNames.Journal"/> in <c>pg_stat_activity</c> unless the
    /// connection string names them.
    /// </summary>
    public static string JournalConnectionString(ChatPersistenceOptions options)
    {
        var connection = new NpgsqlConnectionStringBuilder(options.ConnectionString) { NoResetOnClose = true, MaxPoolSize = options.MaxPoolSize };
        return ConnectionNames.Apply(connection.ConnectionString, ConnectionNames.Journal);
    }

    private static string Milliseconds(TimeSpan value) =>
        ((long)value.TotalMilliseconds).ToString(CultureInfo.InvariantCulture) + "ms";

    private static string Quote(string value) =>
        "\"" + value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal) + "\"";

}
