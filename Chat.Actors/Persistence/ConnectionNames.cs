using Npgsql;

namespace Chat.Actors.Persistence;

/// <summary>
/// The name each of a node's connection pools gives its PostgreSQL sessions (<c>application_name</c> in
/// <c>pg_stat_activity</c>), so an operator can tell which pool a server process serves and where
/// PostgreSQL's CPU goes; a connection string that names its sessions keeps its name. Each name is a
/// pool of its own (Npgsql pools by connection string).
/// </summary>
public static class ConnectionNames
{
    /// <summary>The journal, snapshot store and read journal (<see cref="PersistenceHocon.JournalConnectionString"/>).</summary>
    public const string Journal = "chat-journal";

    /// <summary>The read model's projection: the journal's pages in, the read model's rows out.</summary>
    public const string Projection = "chat-projection";

    /// <summary>History pages read for rooms ("Load older messages").</summary>
    public const string History = "chat-history";

    /// <summary>The active-room sweep.</summary>
    public const string Sweeper = "chat-sweeper";

    public static string Apply(string connectionString, string name)
    {
        var connection = new NpgsqlConnectionStringBuilder(connectionString);
        if (string.IsNullOrEmpty(connection.ApplicationName))
        {
            connection.ApplicationName = name;
        }

        return connection.ConnectionString;
    }
}
