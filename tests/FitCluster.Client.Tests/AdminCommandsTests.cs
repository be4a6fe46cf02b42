using System.CommandLine;
using FitCluster.Client.Cli;
using FitCluster.Client.Gateway;
using FitCluster.Client.Tests.Infrastructure;

namespace FitCluster.Client.Tests;

/// <summary><c>models</c> and <c>activate</c> of the client executable, against the API on a real Kestrel.</summary>
public sealed class AdminCommandsTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("fit-cli-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public async Task Models_PrintsTheCatalog()
    {
        await using var host = await ApiHost.StartAsync();

        var (code, output, error) = await RunAsync(AdminCommands.Models(), ["--gateway", host.Http.BaseAddress!.ToString()]);

        Assert.True(code == 0, error);
        Assert.Contains("active model version: v1", output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("environment")]
    [InlineData("file")]
    public async Task Activate_WithToken_ActivatesAndPrintsTheCatalog(string source)
    {
        await using var host = await ApiHost.StartAsync(new Dictionary<string, string?> { [AdminOptions.EnvironmentVariable] = ApiHost.Token });
        var tokenFile = Path.Combine(_directory, "token");
        await File.WriteAllTextAsync(tokenFile, $"# the admin token\n{ApiHost.Token}\n", TestContext.Current.CancellationToken);
        string[] arguments = source == "file"
            ? ["v2", "--gateway", host.Http.BaseAddress!.ToString(), "--token-file", tokenFile]
            : ["v2", "--gateway", host.Http.BaseAddress!.ToString()];
        Func<string, string?> environment = name => source == "environment" && name == AdminOptions.EnvironmentVariable ? $"{ApiHost.Token},another-token-0123456789" : null;

        var (code, output, error) = await RunAsync(AdminCommands.Activate(environment), arguments);

        Assert.True(code == 0, error);
        Assert.Contains("active model version: v2", output, StringComparison.Ordinal);
        Assert.Equal(1, host.Grains.Activations);
    }

    [Fact]
    public async Task Activate_WrongToken_PrintsTheServersProblem_Exit1()
    {
        await using var host = await ApiHost.StartAsync(new Dictionary<string, string?> { [AdminOptions.EnvironmentVariable] = ApiHost.Token });

        var (code, _, error) = await RunAsync(AdminCommands.Activate(_ => "not-the-token-but-long-enough"), ["v2", "--gateway", host.Http.BaseAddress!.ToString()]);

        Assert.Equal(1, code);
        Assert.Contains("401", error, StringComparison.Ordinal);
        Assert.Contains("unauthorized: ", error, StringComparison.Ordinal);
        Assert.Equal(0, host.Grains.Activations);
    }

    [Fact]
    public async Task Activate_NoToken_SaysHowToGiveOne_Exit1()
    {
        var (code, _, error) = await RunAsync(AdminCommands.Activate(_ => null), ["v2", "--gateway", "http://127.0.0.1:9"]);

        Assert.Equal(1, code);
        Assert.Contains("FITCLUSTER_ADMIN_TOKEN", error, StringComparison.Ordinal);
        Assert.Contains("--token-file", error, StringComparison.Ordinal);
    }

    private static async Task<(int Code, string Output, string Error)> RunAsync(Command command, string[] arguments)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var root = new RootCommand { command };
        var code = await root.Parse([command.Name, .. arguments]).InvokeAsync(new InvocationConfiguration { Output = output, Error = error }, TestContext.Current.CancellationToken);
        return (code, output.ToString(), error.ToString());
    }
}
