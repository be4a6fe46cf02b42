using System.CommandLine;
using System.Globalization;
using FitCluster.Client.Api;

namespace FitCluster.Client.Cli;

/// <summary>
/// <c>items upsert FILE.jsonl</c> (bulk load, with progress) and <c>items delete ID</c> against a running gateway or silo,
/// with the admin token from <c>FITCLUSTER_ADMIN_TOKEN</c> or <c>--token-file</c>.
/// </summary>
public static class ItemsCommand
{
    /// <summary>Builds <c>items</c>; <paramref name="environment"/> reads environment variables (tests pass their own).</summary>
    public static Command Create(Func<string, string?>? environment = null)
    {
        environment ??= Environment.GetEnvironmentVariable;
        var command = new Command("items", "Write items into a running cluster's live catalog (rankable at once; needs the admin token)");
        command.Subcommands.Add(Upsert(environment));
        command.Subcommands.Add(Delete(environment));
        return command;
    }

    private static Command Upsert(Func<string, string?> environment)
    {
        var file = new Argument<string>("FILE") { Description = "JSON lines: one {\"id\": \"...\", \"features\": {\"NAME\": VALUE, ...}} per line ('-': standard input)" };
        var gateway = AdminCommands.GatewayOption();
        var tokenFile = TokenFileOption();
        var batch = new Option<int>("--batch") { Description = "Items per request (1..5,000)", DefaultValueFactory = _ => 1_000 };
        var concurrency = new Option<int>("--concurrency") { Description = "Requests in flight", DefaultValueFactory = _ => 2 };
        var command = new Command("upsert", "Upsert every item of a JSON lines file, in batches, with progress") { file, gateway, tokenFile, batch, concurrency };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var output = parse.InvocationConfiguration.Output;
            var error = parse.InvocationConfiguration.Error;
            if (Connect(parse, gateway, tokenFile, environment, error) is not { } connection)
            {
                return 1;
            }

            if (parse.GetValue(batch) is < 1 or > Grains.Interfaces.IItemCatalogGrain.MaxBatch || parse.GetValue(concurrency) < 1)
            {
                error.WriteLine($"error: --batch must be 1..{Grains.Interfaces.IItemCatalogGrain.MaxBatch:N0} and --concurrency ≥ 1.");
                return 1;
            }

            var path = parse.GetRequiredValue(file);
            using var http = connection.Http;
            try
            {
                using var reader = path == "-" ? new StreamReader(Console.OpenStandardInput()) : new StreamReader(path);
                var loader = new ItemBulkLoader(http, connection.Token, error) { BatchSize = parse.GetValue(batch), Concurrency = parse.GetValue(concurrency) };
                var report = await loader.LoadAsync(reader, cancellationToken);
                output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{report.Applied:N0} items stored, {report.Refused.Count:N0} lines refused, {report.NotStored:N0} not stored, in {report.Elapsed.TotalSeconds:0.0} s ({report.Applied / Math.Max(report.Elapsed.TotalSeconds, 1e-3):N0} items/s)"));
                foreach (var (line, code, message) in report.Refused.Take(20))
                {
                    output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  line {line}: {code}: {message}"));
                }

                if (report.Refused.Count > 20)
                {
                    output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  (and {report.Refused.Count - 20:N0} more)"));
                }

                return report.NotStored > 0 ? 4 : report.Refused.Count > 0 ? 1 : 0;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                error.WriteLine($"error: cannot read '{path}': {e.Message}");
                return 1;
            }
            catch (BulkLoadAbortedException e)
            {
                error.WriteLine($"error: {e.Message}");
                return 1;
            }
        });
        return command;
    }

    private static Command Delete(Func<string, string?> environment)
    {
        var id = new Argument<string>("ID") { Description = "The item id" };
        var gateway = AdminCommands.GatewayOption();
        var tokenFile = TokenFileOption();
        var command = new Command("delete", "Delete an item: unknown to ranking from now on") { id, gateway, tokenFile };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var error = parse.InvocationConfiguration.Error;
            if (Connect(parse, gateway, tokenFile, environment, error) is not { } connection)
            {
                return 1;
            }

            using var http = connection.Http;
            var client = new FitClusterHttpClient(http) { AdminToken = connection.Token };
            try
            {
                var answer = await client.DeleteItemAsync(parse.GetRequiredValue(id), cancellationToken);
                parse.InvocationConfiguration.Output.WriteLine(answer.Applied > 0 ? "deleted" : "already deleted");
                return 0;
            }
            catch (FitClusterApiException e)
            {
                error.WriteLine($"error: the server answered {e.StatusCode}: {AdminCommands.Explain(e.Problem)}");
                return e.StatusCode is >= 400 and < 500 ? 1 : 4;
            }
            catch (HttpRequestException e)
            {
                error.WriteLine($"error: nothing answers at {http.BaseAddress}: {e.Message}");
                return 4;
            }
        });
        return command;
    }

    private static Option<string?> TokenFileOption() => new("--token-file")
    {
        Description = "A file holding the admin token (its first token line). Default: the first token of FITCLUSTER_ADMIN_TOKEN",
    };

    private static (HttpClient Http, string Token)? Connect(
        ParseResult parse, Option<string> gatewayOption, Option<string?> tokenFile, Func<string, string?> environment, TextWriter error)
    {
        var (token, problem) = AdminCommands.ReadToken(parse.GetValue(tokenFile), environment);
        if (token is null)
        {
            error.WriteLine($"error: {problem}");
            return null;
        }

        var address = parse.GetRequiredValue(gatewayOption);
        if (!Uri.TryCreate(address, UriKind.Absolute, out var gateway) || gateway.Scheme is not ("http" or "https"))
        {
            error.WriteLine($"error: --gateway '{address}' is not an http(s) URL.");
            return null;
        }

        var http = new HttpClient
        {
            BaseAddress = gateway.AbsoluteUri.EndsWith('/') ? gateway : new Uri(gateway.AbsoluteUri + "/"),
            Timeout = TimeSpan.FromSeconds(60),
        };
        return (http, token);
    }
}
