using Microsoft.Extensions.Options;

namespace Chat.Nats;

/// <summary>Checks <c>Nats:Url</c>, <c>Nats:PendingRequests</c> and <c>Nats:ReconnectWait</c> at start; each message names the key to fix.</summary>
public sealed class NatsOptionsValidator : IValidateOptions<NatsOptions>
{
    private const string S = NatsOptions.Section;

    public ValidateOptionsResult Validate(string? name, NatsOptions o)
    {
        var errors = new List<string>();
        if (!Uri.TryCreate(o.Url, UriKind.Absolute, out var url) || url.Scheme is not ("nats" or "tls" or "ws" or "wss"))
        {
            errors.Add($"{S}:Url '{o.Url}' must be a URL such as nats://127.0.0.1:4222.");
        }

        if (o.PendingRequests is < 16 or > 10_000_000)
        {
            errors.Add($"{S}:PendingRequests must be between 16 and 10000000; it is {o.PendingRequests}.");
        }

        if (o.ReconnectWait <= TimeSpan.Zero)
        {
            errors.Add($"{S}:ReconnectWait must be a positive duration.");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
