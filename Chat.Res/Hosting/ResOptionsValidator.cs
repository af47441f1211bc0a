using Microsoft.Extensions.Options;

namespace Chat.Res.Hosting;

/// <summary>Checks the room service's <c>Nats:*</c> keys at start; each message names the key to fix.</summary>
public sealed class ResOptionsValidator : IValidateOptions<ResOptions>
{
    private const string S = ResOptions.Section;

    public ValidateOptionsResult Validate(string? name, ResOptions o)
    {
        var errors = new List<string>();
        if (string.IsNullOrWhiteSpace(o.QueueGroup) || o.QueueGroup.Any(c => char.IsWhiteSpace(c) || c is '.' or '*' or '>'))
        {
            errors.Add($"{S}:QueueGroup '{o.QueueGroup}' must be one NATS token (no spaces, dots or wildcards).");
        }

        if (o.OutboxCapacity is < 16 or > 10_000_000)
        {
            errors.Add($"{S}:OutboxCapacity must be between 16 and 10000000; it is {o.OutboxCapacity}.");
        }

        if (o.SlowReplyTimeout <= TimeSpan.FromSeconds(3))
        {
            errors.Add($"{S}:SlowReplyTimeout must be longer than the gateway's 3 s request timeout; it is {o.SlowReplyTimeout}.");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
