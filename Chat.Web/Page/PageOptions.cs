using Microsoft.Extensions.Options;

namespace Chat.Web.Page;

/// <summary><c>Chat:Page</c>: how the page behaves, told to it through <c>/chat-config.json</c>.</summary>
public sealed class PageOptions
{
    public const string Section = "Chat:Page";

    /// <summary>
    /// How long the page keeps trying to send a message while the room or the gateway does not answer
    /// (a failover, a database outage, a lost connection) before it shows the message as not sent, with
    /// a button to send it again. Longer than the failovers and outages the rooms ride through.
    /// </summary>
    public TimeSpan SendRetryWindow { get; set; } = TimeSpan.FromSeconds(60);
}

/// <summary>Checks <c>Chat:Page</c> at start.</summary>
public sealed class PageOptionsValidator : IValidateOptions<PageOptions>
{
    public ValidateOptionsResult Validate(string? name, PageOptions o) =>
        o.SendRetryWindow < TimeSpan.FromSeconds(1) || o.SendRetryWindow > TimeSpan.FromHours(1)
            ? ValidateOptionsResult.Fail($"{PageOptions.Section}:SendRetryWindow ({o.SendRetryWindow}) must be between 1 second and 1 hour.")
            : ValidateOptionsResult.Success;
}
