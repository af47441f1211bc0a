using Chat.Web.Page;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Chat.Tests.Hosting;

public sealed class PageOptionsValidationTests
{
    [Theory]
    [InlineData("00:00:00")]
    [InlineData("00:00:00.500")]
    [InlineData("01:00:01")]
    public async Task Start_WithSendRetryWindowOutOfRange_FailsNamingTheKey(string value)
    {
        using var host = BuildHost(new Dictionary<string, string?> { ["Chat:Page:SendRetryWindow"] = value });

        var start = () => host.StartAsync();

        (await start.Should().ThrowAsync<OptionsValidationException>()).Which.Message.Should().Contain("Chat:Page:SendRetryWindow");
    }

    [Fact]
    public void Default_IsAMinute_AndValid()
    {
        using var host = BuildHost([]);

        host.Services.GetRequiredService<IOptions<PageOptions>>().Value.SendRetryWindow.Should().Be(TimeSpan.FromMinutes(1));
    }

    private static IHost BuildHost(Dictionary<string, string?> values)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(values);
        builder.Services.AddChatPageOptions(builder.Configuration);
        return builder.Build();
    }
}
