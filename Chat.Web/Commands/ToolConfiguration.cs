using Chat.Actors.Hosting;

namespace Chat.Web.Commands;

/// <summary>The node's configuration (appsettings, environment, overrides), read the same way for the tools.</summary>
internal static class ToolConfiguration
{
    public static ChatPersistenceOptions Persistence(string[] overrides, string? connectionString)
    {
        var configuration = new ConfigurationBuilder()
            .SetBasePath(AppContext.BaseDirectory)
            .AddJsonFile("appsettings.json", optional: true)
            .AddEnvironmentVariables()
            .AddCommandLine(overrides)
            .Build();
        var options = new ChatPersistenceOptions();
        configuration.GetSection(ChatPersistenceOptions.Section).Bind(options);
        options.ConnectionString = connectionString ?? configuration.GetConnectionString("Chat") ?? string.Empty;
        var validation = new ChatPersistenceOptionsValidator().Validate(null, options);
        if (validation.Failed)
        {
            throw new ToolException(validation.FailureMessage);
        }

        return options;
    }
}

/// <summary>A failure the operator can act on: printed as is, exit code 1.</summary>
internal sealed class ToolException(string message) : Exception(message);
