using System.CommandLine;
using System.CommandLine.Parsing;

namespace FitCluster.LoadTest;

/// <summary>The command line: options, their defaults and checks; the run itself is <see cref="LoadTestRun"/>.</summary>
public static class LoadTestCommand
{
    /// <summary>Model version value that asks for the cluster's active model.</summary>
    public const string ActiveModel = "active";

    /// <summary>Builds the root command.</summary>
    public static RootCommand Create()
    {
        var url = new Option<Uri>("--url") { Description = "The gateway's base URL", DefaultValueFactory = _ => new Uri("http://127.0.0.1:8080"), CustomParser = ParseUrl };
        var artifact = new Option<string>("--artifact") { Description = "Artifact folder (manifest.json, golden.json) the requests are drawn from", Required = true };
        var candidates = new Option<int>("--candidates") { Description = "Distinct candidates per request", DefaultValueFactory = _ => 2000 };
        var k = new Option<int>("--k") { Description = "Top-k asked for", DefaultValueFactory = _ => 10 };
        var rate = new Option<double?>("--rate") { Description = "Fixed-rate (open-loop) mode: requests per second; latency from the intended send time" };
        var concurrency = new Option<int?>("--concurrency") { Description = "Saturation (closed-loop) mode: workers sending back to back" };
        var duration = DurationOption("--duration", "Measurement window after the warm-up (30s, 2m, 500ms)", TimeSpan.FromSeconds(30));
        var warmup = DurationOption("--warmup", "Load sent first and not measured", TimeSpan.FromSeconds(5));
        var output = new Option<string?>("--out") { Description = "Markdown file to append the result row to (header written once)" };
        var label = new Option<string>("--label") { Description = "Names the set-up in the report, e.g. \"1 silo\"", DefaultValueFactory = _ => "" };
        var requests = new Option<int>("--requests") { Description = "Distinct requests built up front and cycled through", DefaultValueFactory = _ => 64 };
        var seed = new Option<int>("--seed") { Description = "Seed of the request draws", DefaultValueFactory = _ => 1 };
        var connections = new Option<int?>("--connections") { Description = "Most connections to the gateway (default: the concurrency, or 256 at a fixed rate)" };
        var timeout = DurationOption("--timeout", "Longest wait for one answer before it counts as a timeout", TimeSpan.FromSeconds(10));
        var modelVersion = new Option<string?>("--model-version") { Description = $"Model version to ask for (default: the artifact's; '{ActiveModel}' for the cluster's active one)" };
        var command = new RootCommand("FitCluster load generator: drives POST /v1/rank on a running gateway at a fixed rate or to saturation and reports latency percentiles (HdrHistogram), throughput and errors")
        {
            url, artifact, candidates, k, rate, concurrency, duration, warmup, output, label, requests, seed, connections, timeout, modelVersion,
            Scale.ScaleCommand.Create(),
        };
        command.Validators.Add(result =>
        {
            // Only whether the options were given: their values (and defaults) are not bound yet at this point.
            if (result.GetResult(rate) is null == result.GetResult(concurrency) is null)
            {
                result.AddError("Give exactly one of --rate R (fixed rate) or --concurrency C (saturation).");
            }
        });
        command.SetAction(async (parse, cancellationToken) =>
        {
            var rateValue = parse.GetValue(rate);
            var concurrencyValue = parse.GetValue(concurrency);
            var settings = new LoadTestSettings(
                parse.GetRequiredValue(url),
                parse.GetRequiredValue(artifact),
                parse.GetValue(candidates),
                parse.GetValue(k),
                rateValue,
                concurrencyValue,
                parse.GetValue(duration),
                parse.GetValue(warmup),
                parse.GetValue(requests),
                parse.GetValue(seed),
                parse.GetValue(connections) ?? concurrencyValue ?? 256,
                parse.GetValue(timeout),
                parse.GetValue(modelVersion),
                parse.GetValue(output),
                parse.GetRequiredValue(label));
            if (settings.Problems() is { Count: > 0 } problems)
            {
                foreach (var problem in problems)
                {
                    await Console.Error.WriteLineAsync($"error: {problem}").ConfigureAwait(false);
                }

                return 1;
            }

            return await LoadTestRun.RunAsync(settings, Console.Out, Console.Error, cancellationToken).ConfigureAwait(false);
        });
        return command;
    }

    private static Option<TimeSpan> DurationOption(string name, string description, TimeSpan fallback) => new(name)
    {
        Description = description,
        DefaultValueFactory = _ => fallback,
        CustomParser = ParseDuration,
    };

    private static Uri ParseUrl(ArgumentResult result)
    {
        var text = result.Tokens.Count > 0 ? result.Tokens[0].Value : null;
        if (Uri.TryCreate(text, UriKind.Absolute, out var value) && (value.Scheme == Uri.UriSchemeHttp || value.Scheme == Uri.UriSchemeHttps))
        {
            return value;
        }

        result.AddError($"'{text}' is not an http(s) URL (e.g. http://127.0.0.1:8080).");
        return new Uri("http://invalid");
    }

    private static TimeSpan ParseDuration(ArgumentResult result)
    {
        var text = result.Tokens.Count > 0 ? result.Tokens[0].Value : null;
        if (DurationParser.TryParse(text, out var value))
        {
            return value;
        }

        result.AddError($"'{text}' is not a duration (e.g. 30s, 500ms, 2m).");
        return default;
    }
}
