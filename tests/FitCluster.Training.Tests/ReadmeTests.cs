using System.CommandLine;
using System.Text.RegularExpressions;
using FitCluster.Training.Cli;

namespace FitCluster.Training.Tests;

/// <summary>The README's promises: the two set-up commands, what CI runs, the library versions, and the demo itself.</summary>
public sealed partial class ReadmeTests : IDisposable
{
    private static readonly string s_root = FindRepositoryRoot();
    private readonly TempDirectory _temp = new("fit-demo");

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void QuickStart_HasExactlyTheTwoSetUpCommands()
    {
        var readme = File.ReadAllText(Path.Combine(s_root, "README.md"));
        var section = readme[readme.IndexOf("## Quick start", StringComparison.Ordinal)..];
        var block = CodeBlock().Match(section);
        Assert.True(block.Success, "the Quick start section has no ```bash block");
        var commands = block.Groups[1].Value.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.Equal(["./fit demo", "./fit test"], commands);
    }

    [Fact]
    public void FitScript_DispatchesDemoAndTest()
    {
        var script = File.ReadAllText(Path.Combine(s_root, "fit"));
        Assert.StartsWith("#!/usr/bin/env bash", script, StringComparison.Ordinal);
        Assert.Contains("\n  demo) ", script, StringComparison.Ordinal);
        Assert.Contains("\n  test) ", script, StringComparison.Ordinal);
        if (!OperatingSystem.IsWindows())
        {
            Assert.True((File.GetUnixFileMode(Path.Combine(s_root, "fit")) & UnixFileMode.UserExecute) != 0, "./fit must be executable");
        }
    }

    [Fact]
    public void CiRun_CallsTheReadmeTestCommandAndPrintsTheCountLine()
    {
        var ci = File.ReadAllText(Path.Combine(s_root, ".ci", "run"));
        Assert.Contains("./fit test", ci, StringComparison.Ordinal);
        Assert.Contains(".ci/test-summary", ci, StringComparison.Ordinal);
        var summary = File.ReadAllText(Path.Combine(s_root, ".ci", "test-summary"));
        Assert.Contains("passed, $failed failed", summary, StringComparison.Ordinal);
    }

    [Fact]
    public void LibrariesTable_VersionsMatchCentralPackageVersions()
    {
        var readme = File.ReadAllText(Path.Combine(s_root, "README.md"));
        var props = File.ReadAllText(Path.Combine(s_root, "Directory.Packages.props"));
        var table = readme[readme.IndexOf("## Libraries", StringComparison.Ordinal)..];
        var checkedPackages = 0;
        foreach (var line in table.Split('\n').Where(l => l.StartsWith("| ", StringComparison.Ordinal) && !l.StartsWith("| library", StringComparison.Ordinal)))
        {
            var cells = line.Split('|', StringSplitOptions.TrimEntries);
            var packages = cells[1].Split(" + ", StringSplitOptions.TrimEntries);
            var versions = cells[2].Split(" / ", StringSplitOptions.TrimEntries);
            Assert.True(packages.Length == versions.Length, $"README libraries row '{line}' needs one version per package");
            for (var i = 0; i < packages.Length; i++)
            {
                Assert.Contains($"Include=\"{packages[i]}\" Version=\"{versions[i]}\"", props, StringComparison.Ordinal);
                checkedPackages++;
            }
        }

        Assert.True(checkedPackages >= 12, $"only {checkedPackages} packages found in the README's libraries table");
    }

    [Fact]
    public void Demo_SmallSynthetic_TrainsBothModelsAndWritesRuns()
    {
        var output = new StringWriter();
        var exit = new RootCommand { DemoCommand.Create() }
            .Parse(["demo", "--epochs", "1", "--max-users", "300", "--out", _temp.Path])
            .Invoke(new InvocationConfiguration { Output = output });
        Assert.Equal(0, exit);
        Assert.True(File.Exists(Path.Combine(_temp.Path, "two-tower", "metrics.json")));
        Assert.True(File.Exists(Path.Combine(_temp.Path, "fit-no-lss", "metrics.json")));
        Assert.True(File.Exists(Path.Combine(_temp.Path, "artifacts", "fit-no-lss", "manifest.json")));
        Assert.True(File.Exists(Path.Combine(_temp.Path, "artifacts", "two-tower", "manifest.json")));
        Assert.Contains("ranked in-process", output.ToString(), StringComparison.Ordinal);

        // The verdict names one of the two models and states both test AUCs, whichever wins on this tiny slice.
        var verdict = output.ToString().Split('\n').Single(line => line.StartsWith("Recommended: ", StringComparison.Ordinal));
        Assert.Matches(@"^Recommended: (fit-no-lss \(FIT\)|two-tower): test AUC fit-no-lss 0\.\d{4} vs two-tower 0\.\d{4}, difference ", verdict);
    }

    [GeneratedRegex("```bash\\n(.*?)```", RegexOptions.Singleline)]
    private static partial Regex CodeBlock();

    private static string FindRepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "FitCluster.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException($"No FitCluster.sln above {AppContext.BaseDirectory}.");
    }
}
