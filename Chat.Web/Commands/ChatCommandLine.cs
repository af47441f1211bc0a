using System.CommandLine;

namespace Chat.Web.Commands;

/// <summary>
/// <c>Chat.Web</c> runs the node; <c>Chat.Web migrate</c> and <c>Chat.Web replay</c> are the operator
/// tools. Arguments the commands do not know (such as <c>--Chat:Rooms:GracePeriod=...</c>) are
/// configuration overrides for the node and the tools alike.
/// </summary>
public static class ChatCommandLine
{
    /// <summary>
    /// On SIGTERM or Ctrl+C the running command's token is cancelled, and the process is ended only if
    /// the command has not returned after this long. System.CommandLine's default (2 s) cut a node's
    /// graceful stop short: it exited before handing its rooms over and leaving the cluster, so the
    /// others had to detect and down it. The node's host takes at most its shutdown timeout (30 s).
    /// </summary>
    public static readonly InvocationConfiguration Invocation = new() { ProcessTerminationTimeout = TimeSpan.FromSeconds(45) };

    public static RootCommand Build(Func<string[], CancellationToken, Task<int>> runNode)
    {
        var root = new RootCommand("Chat node: rooms as cluster-sharded actors, served over RES.")
        {
            TreatUnmatchedTokensAsErrors = false,
        };
        root.SetAction((result, stopping) => runNode([.. result.UnmatchedTokens], stopping));
        root.Subcommands.Add(MigrateCommand.Create());
        root.Subcommands.Add(ReplayCommand.Create());
        return root;
    }
}
