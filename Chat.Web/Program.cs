using Chat.Web;
using Chat.Web.Commands;

return await ChatCommandLine.Build(RunNodeAsync).Parse(args).InvokeAsync();

static async Task<int> RunNodeAsync(string[] args)
{
    await ChatNodeApp.Build(args).RunAsync();
    return 0;
}
