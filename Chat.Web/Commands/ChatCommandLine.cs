using System.CommandLine;

namespace Chat.Web.Commands;

/// <summary>
/// <c>Chat.Web</c> runs the node; <c>Chat.Web migrate</c> and <c>Chat.Web replay</c> are the operator
/// tools. Arguments the commands do not know (such as <c>--Chat:Rooms:GracePeriod=...</c>) are
/// configuration overrides for the node and the tools alike.
/// </summary>
public static class ChatCommandLine
{
    public static RootCommand Build(Func<string[], Task<int>> runNode)
    {
        var root = new RootCommand("Chat node: rooms as cluster-sharded actors, served over RES.")
        {
            TreatUnmatchedTokensAsErrors = false,
        };
        root.SetAction((result, _) => runNode([.. result.UnmatchedTokens]));
        root.Subcommands.Add(MigrateCommand.Create());
        root.Subcommands.Add(ReplayCommand.Create());
        return root;
    }
}
