namespace Chat.Tests.Infrastructure;

/// <summary>
/// A folder of the test project with its own package.json and package-lock.json; its pinned packages
/// are installed with <c>npm ci</c> once per test run, by whichever test needs them first.
/// </summary>
internal sealed class NpmFolder
{
    private readonly Lazy<Task> _install;

    public NpmFolder(string name)
    {
        Path = System.IO.Path.Combine(RepositoryRoot.Path, "Chat.Tests", name);
        _install = new Lazy<Task>(() => ExternalProcess.RunAsync("npm", ["ci", "--no-audit", "--no-fund", "--prefix", Path], TimeSpan.FromMinutes(5)));
    }

    public string Path { get; }

    public Task EnsureInstalledAsync() => _install.Value;
}
