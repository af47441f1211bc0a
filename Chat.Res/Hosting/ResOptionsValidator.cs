using Microsoft.Extensions.Options;

namespace Chat.Res.Hosting;

/// <summary>Checks <c>Nats:*</c> at start; each message names the key to fix.</summary>
public sealed class ResOptionsValidator : IValidateOptions<ResOptions>
{
    private const string S = ResOptions.Section;

    public ValidateOptionsResult Validate(string? name, ResOptions o)
    {
        var errors = new List<string>();
        if (!Uri.TryCreate(o.Url, UriKind.Absolute, out var url) || url.Scheme is not ("nats" or "tls" or "ws" or "wss"))
        {
            errors.Add($"{S}:Url '{o.Url}' must be a URL such as nats://127.0.0.1:4222.");
        }

        if (string.IsNullOrWhiteSpace(o.QueueGroup) || o.QueueGroup.Any(c => char.IsWhiteSpace(c) || c is '.' or '*' or '>'))
        {
            errors.Add($"{S}:QueueGroup '{o.QueueGroup}' must be one NATS token (no spaces, dots or wildcards).");
        }

        if (o.PendingRequests is < 16 or > 10_000_000)
        {
            errors.Add($"{S}:PendingRequests must be between 16 and 10000000; it is {o.PendingRequests}.");
        }

        if (o.OutboxCapacity is < 16 or > 10_000_000)
        {
            errors.Add($"{S}:OutboxCapacity must be between 16 and 10000000; it is {o.OutboxCapacity}.");
        }

        if (o.SlowReplyTimeout <= TimeSpan.FromSeconds(3))
        {
            errors.Add($"{S}:SlowReplyTimeout must be longer than the gateway's 3 s request timeout; it is {o.SlowReplyTimeout}.");
        }

        if (o.ReconnectWait <= TimeSpan.Zero)
        {
            errors.Add($"{S}:ReconnectWait must be a positive duration.");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
