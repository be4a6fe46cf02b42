using System.Reflection;

namespace FitCluster.EndToEnd.Tests.Infrastructure;

/// <summary>Where the repository and the silo and gateway builds are, and which <c>dotnet</c> runs them.</summary>
public sealed class RepositoryLayout
{
    private RepositoryLayout(string root, string configuration)
    {
        Root = root;
        Configuration = configuration;
    }

    /// <summary>The folder holding <c>FitCluster.sln</c>.</summary>
    public string Root { get; }

    /// <summary>The build configuration of this test project, and so of the silo and gateway it runs (Release under <c>./fit test</c>).</summary>
    public string Configuration { get; }

    /// <summary>The silo executable's assembly.</summary>
    public string SiloDll => Output("Silo", "FitCluster.Silo.dll");

    /// <summary>The client executable's assembly (its <c>gateway</c> command is the HTTP gateway).</summary>
    public string ClientDll => Output("Client", "FitCluster.Client.dll");

    /// <summary>
    /// The <c>dotnet</c> host that runs these tests (so children use the same SDK inside and outside the Debian 13
    /// root), else the one on PATH.
    /// </summary>
    public static string DotnetHost
    {
        get
        {
            var current = Environment.ProcessPath;
            if (current is not null && Path.GetFileNameWithoutExtension(current) == "dotnet")
            {
                return current;
            }

            // A test run through its apphost: the dotnet CLI names itself in DOTNET_HOST_PATH, the apphost finds it in DOTNET_ROOT.
            if (Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } hostPath && File.Exists(hostPath))
            {
                return hostPath;
            }

            if (Environment.GetEnvironmentVariable("DOTNET_ROOT") is { Length: > 0 } root && File.Exists(Path.Combine(root, "dotnet")))
            {
                return Path.Combine(root, "dotnet");
            }

            return "dotnet";
        }
    }

    /// <summary>Finds the repository by walking up from this test's binaries to <c>FitCluster.sln</c>.</summary>
    public static RepositoryLayout Find()
    {
        var configuration = typeof(RepositoryLayout).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .FirstOrDefault(a => a.Key == "Configuration")?.Value ?? "Release";
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            if (File.Exists(Path.Combine(folder.FullName, "FitCluster.sln")))
            {
                return new RepositoryLayout(folder.FullName, configuration);
            }
        }

        throw new DirectoryNotFoundException($"No FitCluster.sln in {AppContext.BaseDirectory} or any folder above it: the end-to-end tests run from the repository's build output.");
    }

    /// <summary>Throws with the command that builds it when <paramref name="dll"/> is missing.</summary>
    public static string RequireBuilt(string dll, string project, string configuration)
    {
        if (!File.Exists(dll))
        {
            throw new FileNotFoundException(
                $"{dll} is missing: build it first with `dotnet build {project} -c {configuration}` (`./fit test` builds everything before running tests).", dll);
        }

        return dll;
    }

    private string Output(string project, string assembly) =>
        RequireBuilt(Path.Combine(Root, project, "bin", Configuration, "net10.0", assembly), project, Configuration);
}
