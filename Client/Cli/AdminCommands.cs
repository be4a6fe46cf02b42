using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using FitCluster.Client.Api;
using FitCluster.Client.Gateway;
using FitCluster.Grains.Interfaces;

namespace FitCluster.Client.Cli;

/// <summary>
/// <c>models</c> (the catalog) and <c>activate VERSION</c> (a rollout, with the admin token from
/// <c>FITCLUSTER_ADMIN_TOKEN</c> or <c>--token-file</c>) against a running gateway or silo.
/// </summary>
public static class AdminCommands
{
    /// <summary>Default <c>--gateway</c>.</summary>
    public const string DefaultGateway = "http://127.0.0.1:8080";

    /// <summary>Builds <c>models</c>.</summary>
    public static Command Models()
    {
        var gateway = GatewayOption();
        var command = new Command("models", "List the model versions a running gateway (or silo) can serve, and the active one") { gateway };
        command.SetAction(async (parse, cancellationToken) =>
            await RunAsync(parse, gateway, (client, ct) => client.GetModelsAsync(ct), cancellationToken));
        return command;
    }

    /// <summary>Builds <c>activate</c>; <paramref name="environment"/> reads environment variables (tests pass their own).</summary>
    public static Command Activate(Func<string, string?>? environment = null)
    {
        environment ??= Environment.GetEnvironmentVariable;
        var version = new Argument<string>("VERSION") { Description = "The model version to make active" };
        var gateway = GatewayOption();
        var tokenFile = new Option<string?>("--token-file")
        {
            Description = $"A file holding the admin token (its first token line; '#' starts a comment). Default: the first token of {AdminOptions.EnvironmentVariable}",
        };
        var command = new Command("activate", "Make a model version active on a running cluster (needs the admin token)") { version, gateway, tokenFile };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var (token, problem) = ReadToken(parse.GetValue(tokenFile), environment);
            if (token is null)
            {
                parse.InvocationConfiguration.Error.WriteLine($"error: {problem}");
                return 1;
            }

            var name = parse.GetRequiredValue(version);
            return await RunAsync(parse, gateway, (client, ct) => client.ActivateAsync(name, token, ct), cancellationToken);
        });
        return command;
    }

    internal static Option<string> GatewayOption() => new("--gateway")
    {
        Description = "The gateway (or a silo's HTTP API) to call",
        DefaultValueFactory = _ => DefaultGateway,
    };

    internal static (string? Token, string? Problem) ReadToken(string? file, Func<string, string?> environment)
    {
        if (file is not null)
        {
            string[] lines;
            try
            {
                lines = File.ReadAllLines(file);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                return (null, $"cannot read --token-file '{file}': {e.Message}");
            }

            var token = lines.Select(l => (l.IndexOf('#', StringComparison.Ordinal) is var c and >= 0 ? l[..c] : l).Trim()).FirstOrDefault(l => l.Length > 0);
            return token is null ? (null, $"--token-file '{file}' holds no token.") : (token, null);
        }

        var fromEnvironment = (environment(AdminOptions.EnvironmentVariable) ?? string.Empty)
            .Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).FirstOrDefault();
        return fromEnvironment is null
            ? (null, $"this command needs the admin token: set {AdminOptions.EnvironmentVariable} or pass --token-file FILE.")
            : (fromEnvironment, null);
    }

    private static async Task<int> RunAsync(
        ParseResult parse, Option<string> gatewayOption, Func<FitClusterHttpClient, CancellationToken, Task<ModelCatalog>> call, CancellationToken cancellationToken)
    {
        var output = parse.InvocationConfiguration.Output;
        var error = parse.InvocationConfiguration.Error;
        var address = parse.GetRequiredValue(gatewayOption);
        if (!Uri.TryCreate(address, UriKind.Absolute, out var gateway) || gateway.Scheme is not ("http" or "https"))
        {
            error.WriteLine($"error: --gateway '{address}' is not an http(s) URL.");
            return 1;
        }

        using var http = new HttpClient
        {
            BaseAddress = gateway.AbsoluteUri.EndsWith('/') ? gateway : new Uri(gateway.AbsoluteUri + "/"),
            Timeout = TimeSpan.FromSeconds(60),
        };
        try
        {
            Print(output, await call(new FitClusterHttpClient(http), cancellationToken), gateway);
            return 0;
        }
        catch (FitClusterApiException e)
        {
            error.WriteLine($"error: {gateway} answered {e.StatusCode}: {Explain(e.Problem)}");
            return e.StatusCode is >= 400 and < 500 ? 1 : 4;
        }
        catch (HttpRequestException e)
        {
            error.WriteLine($"error: nothing answers at {gateway}: {e.Message}");
            return 4;
        }
    }

    // The problem's code and detail when the body is problem JSON, else the body as it came.
    internal static string Explain(string problem)
    {
        try
        {
            using var document = JsonDocument.Parse(problem);
            var root = document.RootElement;
            var code = root.TryGetProperty("code", out var c) ? c.GetString() : root.TryGetProperty("title", out var t) ? t.GetString() : null;
            var detail = root.TryGetProperty("detail", out var d) ? d.GetString() : null;
            return detail is null ? problem : $"{code}: {detail}";
        }
        catch (JsonException)
        {
            return problem;
        }
    }

    private static void Print(TextWriter output, ModelCatalog catalog, Uri gateway)
    {
        output.WriteLine($"active model version: {catalog.ActiveVersion ?? "(none)"} (via {gateway})");
        foreach (var v in catalog.Versions)
        {
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{(v.ModelVersion == catalog.ActiveVersion ? "*" : " ")} {v.ModelVersion,-24} {v.ModelKind,-10} {v.Dataset,-12} {v.ItemCount,9:N0} items  created {v.CreatedUtc}"));
        }
    }
}
