using System.CommandLine;
using Chat.Actors.Persistence;

namespace Chat.Web.Commands;

internal static class MigrateCommand
{
    public static Command Create()
    {
        var connection = new Option<string?>("--connection-string") { Description = "PostgreSQL connection string (default: ConnectionStrings:Chat)." };
        var command = new Command("migrate", "Create the journal schema and apply the read-model migrations of schema/.")
        {
            connection,
        };
        command.TreatUnmatchedTokensAsErrors = false;
        command.SetAction(async (result, cancellationToken) => await ToolRun.GuardAsync(result, async () =>
        {
            var options = ToolConfiguration.Persistence([.. result.UnmatchedTokens], result.GetValue(connection));
            var applied = await SchemaMigrator.MigrateAsync(options.ConnectionString, options.Schema, cancellationToken);
            await result.InvocationConfiguration.Output.WriteLineAsync(
                applied.Count == 0 ? "Database is up to date." : $"Applied: {string.Join(", ", applied)}.");
        }));
        return command;
    }
}
