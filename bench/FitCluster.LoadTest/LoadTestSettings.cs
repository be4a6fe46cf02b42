namespace FitCluster.LoadTest;

/// <summary>One run's settings, as given on the command line (see <see cref="LoadTestCommand"/>).</summary>
/// <param name="Url">The gateway's base URL.</param>
/// <param name="ArtifactDirectory">Artifact folder the requests are drawn from.</param>
/// <param name="Candidates">Candidates per request.</param>
/// <param name="K">Top-k asked for.</param>
/// <param name="Rate">Fixed-rate mode: requests per second; null in saturation mode.</param>
/// <param name="Concurrency">Saturation mode: workers sending back to back; null in fixed-rate mode.</param>
/// <param name="Duration">Measurement window after the warm-up.</param>
/// <param name="Warmup">Load sent first and not measured (JIT, connections, caches).</param>
/// <param name="Requests">Distinct requests built up front and cycled through.</param>
/// <param name="Seed">Seed of the request draws.</param>
/// <param name="Connections">Most connections to the gateway at once.</param>
/// <param name="Timeout">Longest wait for one answer before it counts as a <c>timeout</c> failure.</param>
/// <param name="ModelVersion">Model version to ask for: null for the artifact's own, <see cref="LoadTestCommand.ActiveModel"/> for the cluster's active one.</param>
/// <param name="OutputFile">Markdown file the row is appended to; null for stdout only.</param>
/// <param name="Label">Free text naming the set-up in the report.</param>
public sealed record LoadTestSettings(
    Uri Url,
    string ArtifactDirectory,
    int Candidates,
    int K,
    double? Rate,
    int? Concurrency,
    TimeSpan Duration,
    TimeSpan Warmup,
    int Requests,
    int Seed,
    int Connections,
    TimeSpan Timeout,
    string? ModelVersion,
    string? OutputFile,
    string Label)
{
    /// <summary><c>rate 200/s</c> or <c>concurrency 8</c>.</summary>
    public string Mode => Rate is { } rate
        ? FormattableString.Invariant($"rate {rate:0.##}/s")
        : FormattableString.Invariant($"concurrency {Concurrency}");

    /// <summary>Every setting out of range, as messages naming the option; empty when the settings can run.</summary>
    public IReadOnlyList<string> Problems()
    {
        var problems = new List<string>();
        if (Rate is null == Concurrency is null)
        {
            problems.Add("give exactly one of --rate R (fixed rate) or --concurrency C (saturation)");
        }

        if (Rate is { } rate && !(rate > 0 && double.IsFinite(rate)))
        {
            problems.Add("--rate must be > 0");
        }

        Require(Concurrency is null or >= 1, "--concurrency must be ≥ 1", problems);
        Require(Candidates >= 1, "--candidates must be ≥ 1", problems);
        Require(K >= 1, "--k must be ≥ 1", problems);
        Require(Requests >= 1, "--requests must be ≥ 1", problems);
        Require(Connections >= 1, "--connections must be ≥ 1", problems);
        Require(Duration > TimeSpan.Zero, "--duration must be > 0", problems);
        Require(Warmup >= TimeSpan.Zero, "--warmup must be ≥ 0", problems);
        Require(Timeout > TimeSpan.Zero, "--timeout must be > 0", problems);
        return problems;
    }

    private static void Require(bool condition, string problem, List<string> problems)
    {
        if (!condition)
        {
            problems.Add(problem);
        }
    }
}
