using Chat.Actors.Rooms;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.FileProviders;
using Microsoft.Extensions.Options;

namespace Chat.Web.Page;

/// <summary>
/// The browser page: <c>/</c> creates rooms, <c>/room/{uuid}</c> is a room (anything but a lowercase
/// UUID v4 is a 404), and the scripts and styles it loads, all from this node (no CDN).
/// The files are copied next to the assembly, so the node serves the same page whatever its working directory.
/// </summary>
public static class PageEndpoints
{
    public static IServiceCollection AddChatPageOptions(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<PageOptions>().Bind(configuration.GetSection(PageOptions.Section)).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<PageOptions>, PageOptionsValidator>());
        return services;
    }

    public static WebApplication MapChatPage(this WebApplication app)
    {
        var files = new PhysicalFileProvider(Path.Combine(AppContext.BaseDirectory, "wwwroot"));
        app.UseMiddleware<SecurityHeadersMiddleware>();
        app.UseStaticFiles(new StaticFileOptions { FileProvider = files });

        app.MapGet("/", () => Page(files, "index.html"));
        app.MapGet("/room/{id}", (string id) => RoomIds.IsValidRoomId(id) ? Page(files, "room.html") : Results.NotFound());
        return app;
    }

    private static IResult Page(PhysicalFileProvider files, string name)
    {
        var file = files.GetFileInfo(name);
        return file.Exists
            ? Results.Stream(file.CreateReadStream(), "text/html; charset=utf-8")
            : Results.Problem($"The page file {name} is missing from this build.", statusCode: StatusCodes.Status500InternalServerError);
    }
}
