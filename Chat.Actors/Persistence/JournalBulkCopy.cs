using Akka.Persistence.Sql.Config;
using Chat.Actors.Hosting;
using LinqToDB;
using LinqToDB.Data;
using LinqToDB.DataProvider.PostgreSQL;

namespace Chat.Actors.Persistence;

/// <summary>
/// Journal batches through PostgreSQL's binary <c>COPY</c> (<c>Chat:Persistence:InsertMode</c> <c>copy</c>).
/// The plugin writes a batch of more than <c>max-row-by-row-size</c> rows with linq2db's "default" bulk copy,
/// which is the provider's: a multi-row <c>INSERT</c> unless the data options say otherwise. Every batch size
/// is then a different statement of up to 800 parameters that PostgreSQL parses and plans afresh; <c>COPY</c>
/// has nothing to parse or plan. A single event stays one plain <c>INSERT</c>.
/// </summary>
public static class JournalBulkCopy
{
    public const string InsertMode = "copy";

    /// <summary>Rows a batch must exceed to go by <c>COPY</c> (the plugin's <c>max-row-by-row-size</c>).</summary>
    public const int RowByRowAtMost = 1;

    /// <summary>
    /// The plugin's connection options with <c>COPY</c> as the provider's bulk copy. Given, they replace the
    /// HOCON connection string and provider name in the journal, snapshot store and read journal alike.
    /// </summary>
    public static DataOptionsSetup Setup(ChatPersistenceOptions options) =>
        new(new DataOptions()
            .UseConnectionString(PersistenceHocon.ProviderName, PersistenceHocon.JournalConnectionString(options))
            .UsePostgreSQL(postgres => postgres with { BulkCopyType = BulkCopyType.ProviderSpecific }));
}
