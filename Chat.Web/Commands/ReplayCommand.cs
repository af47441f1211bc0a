using System.CommandLine;
using System.Globalization;
using Chat.Actors.Persistence;
using Chat.Actors.ReadModel;

namespace Chat.Web.Commands;

internal static class ReplayCommand
{
    public static Command Create()
    {
        var messages = new Option<bool>("--messages") { Description = "Also rebuild the messages table (otherwise only rooms)." };
        var connection = new Option<string?>("--connection-string") { Description = "PostgreSQL connection string (default: ConnectionStrings:Chat)." };
        var command = new Command("replay", "Rebuild the read model (rooms, and messages with --messages) from the event journal alone, in one transaction.")
        {
            messages,
            connection,
        };
        command.TreatUnmatchedTokensAsErrors = false;
        command.SetAction(async (result, cancellationToken) => await ToolRun.GuardAsync(result, async () =>
        {
            var output = result.InvocationConfiguration.Output;
            var options = ToolConfiguration.Persistence([.. result.UnmatchedTokens], result.GetValue(connection));
            await SchemaMigrator.MigrateAsync(options.ConnectionString, options.Schema, cancellationToken);
            using var system = ReplayActorSystem.Create();
            void Progress(ReplayProgress p) => output.WriteLine(
                string.Create(CultureInfo.InvariantCulture, $"{p.Events,10:N0} events read  {p.EventsPerSecond,10:N0} events/s"));
            var replay = await ReadModelReplay.RunAsync(system, options, result.GetValue(messages), Progress, cancellationToken);
            await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                $"Replayed {replay.Events:N0} events in {replay.Elapsed.TotalSeconds:F1} s ({replay.EventsPerSecond:N0} events/s): {replay.Rooms:N0} rooms, {replay.Messages:N0} messages."));
            await system.Terminate();
        }));
        return command;
    }
}
