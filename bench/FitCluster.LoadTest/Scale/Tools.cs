namespace FitCluster.LoadTest.Scale;

/// <summary>The executables the scale benchmark starts: <c>dotnet</c>, the silo's Release build and <c>redis-server</c>.</summary>
/// <param name="Dotnet">The <c>dotnet</c> host.</param>
/// <param name="SiloDll">FitCluster.Silo.dll of the repository's Release build.</param>
/// <param name="RedisServer">redis-server.</param>
/// <param name="Problem">What is missing and how to get it; null when everything was found.</param>
public sealed record Tools(string Dotnet, string SiloDll, string RedisServer, string? Problem)
{
    private static readonly string[] s_systemFolders = ["/usr/bin", "/usr/sbin", "/usr/local/bin", "/usr/local/sbin"];

    /// <summary>Finds them: <c>dotnet</c> that runs this process (or on PATH), the silo beside this build in the repository, redis-server on PATH.</summary>
    public static Tools Locate()
    {
        var dotnet = Environment.ProcessPath is { } self && Path.GetFileNameWithoutExtension(self) == "dotnet" ? self : OnPath("dotnet");
        var silo = RepositoryRoot() is { } root ? Path.Combine(root, "Silo", "bin", "Release", "net10.0", "FitCluster.Silo.dll") : null;
        var redis = OnPath("redis-server");
        var problem =
            dotnet is null ? "no dotnet on PATH"
            : silo is null || !File.Exists(silo) ? $"no silo build at {silo ?? "Silo/bin/Release/net10.0 (repository not found)"}: run ./fit build"
            : redis is null ? "no redis-server: install Debian's redis-server package (apt-get install redis-server)"
            : null;
        return new Tools(dotnet ?? string.Empty, silo ?? string.Empty, redis ?? string.Empty, problem);
    }

    private static string? RepositoryRoot()
    {
        for (var d = new DirectoryInfo(AppContext.BaseDirectory); d is not null; d = d.Parent)
        {
            if (File.Exists(Path.Combine(d.FullName, "FitCluster.sln")))
            {
                return d.FullName;
            }
        }

        return null;
    }

    private static string? OnPath(string name) =>
        (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Concat(s_systemFolders).Select(folder => Path.Combine(folder, name)).FirstOrDefault(File.Exists);
}
