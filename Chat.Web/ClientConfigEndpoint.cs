using Chat.Actors.Rooms;
using Chat.Gateway;
using Chat.Web.Page;
using Microsoft.Extensions.Options;

namespace Chat.Web;

/// <summary>
/// What the page needs to know before it connects: which gateway to use (this node's <c>/ws</c>, or
/// the external one in <c>Chat:Gateway:Url</c>), how often to heartbeat and how long to keep
/// trying to send a message. Nothing secret.
/// </summary>
public static class ClientConfigEndpoint
{
    public static IEndpointRouteBuilder MapClientConfig(this IEndpointRouteBuilder endpoints, string path)
    {
        endpoints.MapGet(path, (IOptions<GatewayOptions> gateway, IOptions<RoomOptions> rooms, IOptions<PageOptions> page, HttpContext context) =>
        {
            context.Response.Headers.CacheControl = "no-store";
            return Results.Json(new
            {
                gateway = gateway.Value.IsEmbedded ? "/ws" : gateway.Value.Url,
                heartbeatIntervalMs = (long)rooms.Value.HeartbeatInterval.TotalMilliseconds,
                sendRetryMs = (long)page.Value.SendRetryWindow.TotalMilliseconds,
            });
        });
        return endpoints;
    }
}
