using Chat.Web;
using Chat.Web.Commands;

return await ChatCommandLine.Build(RunNodeAsync).Parse(args).InvokeAsync(ChatCommandLine.Invocation);

static async Task<int> RunNodeAsync(string[] args, CancellationToken stopping)
{
    // SIGTERM cancels the token: the host stops its services in order and the node leaves the cluster.
    await ChatNodeApp.Build(args).RunAsync(stopping);
    return 0;
}
