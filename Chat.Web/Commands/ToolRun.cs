using System.CommandLine;
using Npgsql;

namespace Chat.Web.Commands;

internal static class ToolRun
{
    /// <summary>Runs a tool; a failure becomes one clear line on stderr and exit code 1, never a stack trace.</summary>
    public static async Task<int> GuardAsync(ParseResult result, Func<Task> run)
    {
        try
        {
            await run();
            return 0;
        }
        catch (ToolException e)
        {
            await result.InvocationConfiguration.Error.WriteLineAsync($"error: {e.Message}");
        }
        catch (NpgsqlException e)
        {
            // Npgsql messages name the server and the problem, never the password.
            await result.InvocationConfiguration.Error.WriteLineAsync($"error: PostgreSQL: {e.Message}");
        }
        catch (Exception e) when (e.InnerException is NpgsqlException inner)
        {
            await result.InvocationConfiguration.Error.WriteLineAsync($"error: PostgreSQL: {inner.Message}");
        }

        return 1;
    }
}
