using System.Diagnostics;

namespace FitCluster.EndToEnd.Tests.Infrastructure;

/// <summary>
/// Builds the silo with the next grain contract (<c>-p:FitContractVersion=2</c>: <c>IRankingGrain</c> version 2) from a
/// copy of the repository's sources in a folder of its own, so that its outputs never touch the main build's.
/// </summary>
public static class ContractV2Build
{
    // A cold build of five projects on a 2-core CI machine takes about a minute; this bounds a hung build, not a slow one.
    private static readonly TimeSpan s_buildTimeout = TimeSpan.FromMinutes(8);
    private static readonly string[] s_rootFiles = ["Directory.Build.props", "Directory.Packages.props", "global.json", ".editorconfig"];
    private static readonly string[] s_projects = ["Grains.Interfaces", "Grains", "Model", "Client", "Silo"];

    /// <summary>Copies the silo's projects under <paramref name="folder"/>, builds them and returns the v2 silo's assembly.</summary>
    public static async Task<string> BuildAsync(string folder, CancellationToken cancellationToken)
    {
        var layout = RepositoryLayout.Find();
        Directory.CreateDirectory(folder);
        foreach (var file in s_rootFiles.Where(f => File.Exists(Path.Combine(layout.Root, f))))
        {
            File.Copy(Path.Combine(layout.Root, file), Path.Combine(folder, file));
        }

        foreach (var project in s_projects)
        {
            CopySources(Path.Combine(layout.Root, project), Path.Combine(folder, project));
        }

        var siloProject = Path.Combine(folder, "Silo", "FitCluster.Silo.csproj");
        // No build servers: nothing outlives the build (the test kills only what it started).
        // Restored offline from the packages the solution build already restored (the same projects, so the same packages):
        // inside ./fit's Debian root a package registry behind a re-signing TLS proxy is not trusted, and the audit's
        // online lookup would fail the build (NU1900 is an error here).
        var packages = Environment.GetEnvironmentVariable("NUGET_PACKAGES") is { Length: > 0 } configured
            ? configured
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        await using var build = ChildProcess.Start("dotnet build (contract v2)", RepositoryLayout.DotnetHost,
            ["build", siloProject, "-c", layout.Configuration, "-p:FitContractVersion=2", "--disable-build-servers", "-nologo", "-v:q", "-clp:NoSummary",
             "--source", packages, "-p:NuGetAudit=false"]);
        int code;
        try
        {
            code = await build.Exited.WaitAsync(s_buildTimeout, cancellationToken);
        }
        catch (TimeoutException)
        {
            throw new TimeoutException($"Phase 'build the v2 silo': not done within {s_buildTimeout.TotalMinutes:F0} minutes.{Environment.NewLine}{build.Tail()}");
        }

        if (code != 0)
        {
            throw new InvalidOperationException($"Phase 'build the v2 silo': dotnet build exited with code {code}.{Environment.NewLine}{build.Tail()}");
        }

        return RepositoryLayout.RequireBuilt(Path.Combine(folder, "Silo", "bin", layout.Configuration, "net10.0", "FitCluster.Silo.dll"), siloProject, layout.Configuration);
    }

    private static void CopySources(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (var file in Directory.EnumerateFiles(from))
        {
            File.Copy(file, Path.Combine(to, Path.GetFileName(file)));
        }

        foreach (var directory in Directory.EnumerateDirectories(from).Where(d => Path.GetFileName(d) is not ("bin" or "obj")))
        {
            CopySources(directory, Path.Combine(to, Path.GetFileName(directory)));
        }
    }
}
