using System.Globalization;
using Chat.Actors.Hosting;
using Chat.Actors.Rooms;

namespace Chat.Actors.Persistence;

/// <summary>
/// Akka.Persistence.Sql configured by HOCON (its .Hosting package is not available to us): journal,
/// snapshot store and read journal on PostgreSQL in one schema, TagTable tags, our tagger.
/// </summary>
public static class PersistenceHocon
{
    public const string JournalId = "akka.persistence.journal.sql";
    public const string SnapshotStoreId = "akka.persistence.snapshot-store.sql";
    public const string ReadJournalId = "akka.persistence.query.journal.sql";

    public static string Build(ChatPersistenceOptions options)
    {
        var connection = Quote(options.ConnectionString);
        var schema = Quote(options.Schema);
        var refresh = Milliseconds(options.QueryRefreshInterval);
        var callTimeout = Milliseconds(options.CallTimeout);
        var tagger = typeof(RoomEventTagger).AssemblyQualifiedShortName();
        var roomEvent = typeof(IPersistedRoomEvent).AssemblyQualifiedShortName();
        return $$"""
            akka.persistence {
              journal {
                plugin = "{{JournalId}}"
                sql {
                  class = "Akka.Persistence.Sql.Journal.SqlWriteJournal, Akka.Persistence.Sql"
                  connection-string = {{connection}}
                  provider-name = "PostgreSQL.15"
                  table-mapping = default
                  default.schema-name = {{schema}}
                  tag-write-mode = TagTable
                  tagtable-asqueryable-insert-mode = {{options.InsertMode}}
                  parallelism = {{options.Parallelism}}
                  batch-size = {{options.BatchSize}}
                  auto-initialize = on
                  circuit-breaker.call-timeout = {{callTimeout}}
                  event-adapters { room-tagger = "{{tagger}}" }
                  event-adapter-bindings { "{{roomEvent}}" = room-tagger }
                }
              }
              snapshot-store {
                plugin = "{{SnapshotStoreId}}"
                sql {
                  class = "Akka.Persistence.Sql.Snapshot.SqlSnapshotStore, Akka.Persistence.Sql"
                  connection-string = {{connection}}
                  provider-name = "PostgreSQL.15"
                  table-mapping = default
                  default.schema-name = {{schema}}
                  auto-initialize = on
                }
              }
              query.journal.sql {
                class = "Akka.Persistence.Sql.Query.SqlReadJournalProvider, Akka.Persistence.Sql"
                connection-string = {{connection}}
                provider-name = "PostgreSQL.15"
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

    private static string Milliseconds(TimeSpan value) =>
        ((long)value.TotalMilliseconds).ToString(CultureInfo.InvariantCulture) + "ms";

    private static string Quote(string value) =>
        "\"" + value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal) + "\"";

    private static string AssemblyQualifiedShortName(this Type type) => $"{type.FullName}, {type.Assembly.GetName().Name}";
}
