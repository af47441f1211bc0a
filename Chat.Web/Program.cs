using Chat.Actors.Hosting;
using Chat.Res.Hosting;
using Chat.Web.Commands;

return await ChatCommandLine.Build(RunNodeAsync).Parse(args).InvokeAsync();

static async Task<int> RunNodeAsync(string[] args)
{
    var builder = WebApplication.CreateBuilder(args);
    builder.Services.AddHealthChecks();
    builder.Services.AddChatCluster(builder.Configuration);
    builder.Services.AddChatRes(builder.Configuration);

    var app = builder.Build();
    app.MapHealthChecks("/health");
    app.MapHealthChecks("/alive", new() { Predicate = check => check.Tags.Contains("liveness") });
    await app.RunAsync();
    return 0;
}
