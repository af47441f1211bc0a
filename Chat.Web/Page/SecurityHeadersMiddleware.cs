using Chat.Gateway;
using Microsoft.Extensions.Options;

namespace Chat.Web.Page;

/// <summary>
/// The headers that keep the key in the fragment where it belongs (docs/architecture.md, "The envelope"): no referrer ever,
/// scripts and styles only from this node, connections only to this node or the configured gateway,
/// no framing. The room page is never cached, so a shared machine keeps no copy of which rooms were open.
/// </summary>
public sealed class SecurityHeadersMiddleware
{
    private readonly RequestDelegate _next;
    private readonly string _policy;

    public SecurityHeadersMiddleware(RequestDelegate next, IOptions<GatewayOptions> gateway)
    {
        ArgumentNullException.ThrowIfNull(gateway);
        _next = next;
        var connect = gateway.Value.IsEmbedded ? "'self'" : $"'self' {new Uri(gateway.Value.Url!).GetLeftPart(UriPartial.Authority)}";
        _policy = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "
            + $"connect-src {connect}; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";
    }

    public Task InvokeAsync(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var headers = context.Response.Headers;
        headers.ContentSecurityPolicy = _policy;
        headers["Referrer-Policy"] = "no-referrer";
        headers.XContentTypeOptions = "nosniff";
        headers.XFrameOptions = "DENY";
        headers["Cross-Origin-Opener-Policy"] = "same-origin";
        headers["Permissions-Policy"] = "camera=(), microphone=(), geolocation=()";

        // Links in messages are shown, never resolved: no DNS lookup of a host someone wrote about.
        headers["X-DNS-Prefetch-Control"] = "off";
        if (context.Request.Path.StartsWithSegments("/room", StringComparison.Ordinal))
        {
            headers.CacheControl = "no-store";
        }

        return _next(context);
    }
}
