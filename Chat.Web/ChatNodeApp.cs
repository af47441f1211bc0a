using Chat.Actors.Hosting;
using Chat.Gateway;
using Chat.Res.Hosting;
using Chat.Web.Health;
using Chat.Web.Page;

namespace Chat.Web;

/// <summary>How a node is put together; the program and the tests build it the same way.</summary>
public static class ChatNodeApp
{
    public static WebApplication Build(string[] args, Action<WebApplicationBuilder>? configure = null)
    {
        var builder = WebApplication.CreateBuilder(args);
        configure?.Invoke(builder);
        builder.Services.AddChatHealthChecks();
        builder.Services.AddChatTelemetry(builder.Configuration);
        builder.Services.AddChatCluster(builder.Configuration);
        builder.Services.AddChatRes(builder.Configuration);
        builder.Services.AddChatGateway(builder.Configuration);
        builder.Services.AddChatPageOptions(builder.Configuration);

        var app = builder.Build();
        app.MapChatPage();
        app.UseWebSockets();
        app.MapChatGateway("/ws");
        app.MapClientConfig("/chat-config.json");
        app.MapChatHealth();
        return app;
    }
}
