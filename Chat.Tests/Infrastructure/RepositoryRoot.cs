namespace Chat.Tests.Infrastructure;

internal static class RepositoryRoot
{
    /// <summary>The folder holding Chat.Actors.sln, found upwards from the test binaries.</summary>
    public static string Path { get; } = Find();

    private static string Find()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(System.IO.Path.Combine(dir.FullName, "Chat.Actors.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("The repository root (Chat.Actors.sln) was not found above the test binaries.");
    }
}
