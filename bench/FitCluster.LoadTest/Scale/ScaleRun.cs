using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using FitCluster.Model;
using FitCluster.Model.Artifacts;
using FitCluster.Model.Ranking;
using Spectre.Console;

namespace FitCluster.LoadTest.Scale;

/// <summary>
/// The scale benchmark end to end. Per catalog size: generate (or reuse) the catalog; per silo count: start a cluster of
/// that many hosts and wait until it is ready; per candidate count: a fixed-rate phase (latency), a saturation phase
/// (throughput) and the verification requests, sampling the silos' memory throughout; then stop the cluster. Once every
/// cluster of a catalog has stopped, the catalog is ranked in-process and the recorded answers compared. Results are
/// written after every catalog, so an interrupted run keeps what it measured. Ctrl+C (or SIGTERM) stops at the next
/// step and removes every process and namespace it made.
/// </summary>
public static class ScaleRun
{
    private const int PreparedRequests = 64;
    private const int VerifyConcurrency = 4;
    private static readonly TimeSpan s_memoryInterval = TimeSpan.FromMilliseconds(500);
    private static readonly TimeSpan s_requestTimeout = TimeSpan.FromSeconds(10);

    /// <summary>Runs <paramref name="settings"/>.</summary>
    /// <returns>0 when every configuration was measured with full coverage, no failure and every verified top-k equal; 1 otherwise; 2 when it cannot run here.</returns>
    public static async Task<int> RunAsync(ScaleSettings settings, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(settings);
        if (HostNetwork.Problem() is { } problem)
        {
            AnsiConsole.MarkupLineInterpolated($"[red]error:[/] {problem}");
            return 2;
        }

        var tools = Tools.Locate();
        if (tools.Problem is { } missing)
        {
            AnsiConsole.MarkupLineInterpolated($"[red]error:[/] {missing}");
            return 2;
        }

        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        void OnSignal(PosixSignalContext context)
        {
            context.Cancel = true;
            AnsiConsole.MarkupLine("[yellow]stopping: removing the silos, Redis and the namespaces[/]");
            stop.Cancel();
        }

        using var interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, OnSignal);
        using var terminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, OnSignal);
        foreach (var stale in await HostNetwork.RemoveStaleAsync(stop.Token))
        {
            AnsiConsole.MarkupLineInterpolated($"[grey]removed {stale}, left by an earlier run[/]");
        }

        ModelArtifact source;
        List<IReadOnlyDictionary<string, string>> users;
        try
        {
            source = ModelArtifact.Load(settings.ArtifactDirectory);
            users = [.. GoldenSet.Read(source.PathOf(source.Manifest.Golden.File)).Requests.Select(r => r.UserFeatures)];
            new ItemTowerSession(source).Dispose(); // a model the benchmark cannot generate catalogs with is refused before anything starts
        }
        catch (ArtifactException e)
        {
            AnsiConsole.MarkupLineInterpolated($"[red]error:[/] the artifact cannot be used: {e.Message}");
            return 2;
        }

        var rows = new List<ScaleRow>();
        var failures = new List<string>();
        var mismatches = new List<string>();
        Directory.CreateDirectory(settings.OutputDirectory);
        AnsiConsole.MarkupLineInterpolated(
            $"[bold]scale benchmark[/]: items {string.Join(", ", settings.Items.Select(n => n.ToString("N0", CultureInfo.InvariantCulture)))}; silos {string.Join(", ", settings.Silos)}; candidates {string.Join(", ", settings.Candidates)}; {settings.Precision}; results in {settings.OutputDirectory}");
        try
        {
            foreach (var items in settings.Items)
            {
                stop.Token.ThrowIfCancellationRequested();
                await RunCatalogAsync(settings, tools, source, users, items, rows, failures, mismatches, stop.Token);
                WriteResults(settings, rows, failures, mismatches);
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            failures.Add("the run was interrupted (Ctrl+C or SIGTERM); later configurations were not measured");
            WriteResults(settings, rows, failures, mismatches);
            return 1;
        }

        WriteResults(settings, rows, failures, mismatches);
        var ok = failures.Count == 0 && mismatches.Count == 0
            && rows.All(r => r.Failed == 0 && r.CoverageMin == 1 && r.VerifiedEqual == r.Verified);
        AnsiConsole.MarkupLine((ok ? "[green]done[/]: " : "[yellow]done, with problems (see scale.md)[/]: ") + Markup.Escape(settings.OutputDirectory));
        return ok ? 0 : 1;
    }

    private static async Task RunCatalogAsync(
        ScaleSettings settings, Tools tools, ModelArtifact source, IReadOnlyList<IReadOnlyDictionary<string, string>> users, int items,
        List<ScaleRow> rows, List<string> failures, List<string> mismatches, CancellationToken cancellationToken)
    {
        if (items < source.Manifest.Dims.ItemCount)
        {
            failures.Add(string.Create(CultureInfo.InvariantCulture, $"{items:N0} items: fewer than the source artifact's own {source.Manifest.Dims.ItemCount:N0}"));
            return;
        }

        var name = string.Create(CultureInfo.InvariantCulture, $"{items}-{settings.Precision}-s{settings.Seed}");
        var catalogDirectory = Path.Combine(settings.WorkDirectory, "catalogs", name);
        var (manifest, generated, generateSeconds) = await GenerateAsync(source, catalogDirectory, items, settings, cancellationToken);
        AnsiConsole.MarkupLineInterpolated(
            $"catalog [bold]{items:N0}[/] items {settings.Precision}: {(generated ? string.Create(CultureInfo.InvariantCulture, $"generated in {generateSeconds:0.0} s") : "reused")} ({FolderMiB(catalogDirectory):N0} MiB) in {catalogDirectory}");

        var keys = new CatalogKeys(CatalogKeys.SourceKeysOf(source), items);
        var checks = new List<(TopKCheck Check, int RowIndex)>();
        foreach (var silos in settings.Silos)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var launch = new ClusterLaunch(tools.Dotnet, tools.SiloDll, tools.RedisServer, catalogDirectory, manifest.ModelVersion, settings.ShardsPerSilo,
                Path.Combine(settings.WorkDirectory, "logs", string.Create(CultureInfo.InvariantCulture, $"{name}-{silos}silos-{DateTime.UtcNow:yyyyMMddTHHmmss}")),
                settings.ReadyTimeout, settings.SiloSettings ?? []);
            ScaleCluster cluster;
            try
            {
                cluster = await AnsiConsole.Status().StartAsync(
                    string.Create(CultureInfo.InvariantCulture, $"starting {silos} silo(s) in their own network namespaces; waiting until ready (logs: {launch.LogDirectory})"),
                    _ => ScaleCluster.StartAsync(launch, silos, cancellationToken));
            }
            catch (InvalidOperationException e)
            {
                failures.Add(string.Create(CultureInfo.InvariantCulture, $"{items:N0} items {settings.Precision}, {silos} silo(s): {FirstLines(e.Message)} (logs: {launch.LogDirectory})"));
                AnsiConsole.MarkupLineInterpolated($"[red]{silos} silo(s) did not start[/]: {FirstLines(e.Message)}");
                continue;
            }

            await using (cluster)
            {
                AnsiConsole.MarkupLineInterpolated($"  {silos} silo(s) ready in {cluster.ReadySeconds:0.0} s; placement settled {cluster.SettleSeconds:0.0} s later: shards per silo {cluster.Placement.Describe()}, {cluster.Placement.ItemsHeld():N0} items held; resident {MiB(cluster.Memory().Total):N0} MiB in all");
                if (cluster.SettleProblem is { } unsettled)
                {
                    failures.Add(string.Create(CultureInfo.InvariantCulture, $"{items:N0} items {settings.Precision}, {silos} silo(s): {unsettled} (logs: {launch.LogDirectory})"));
                    AnsiConsole.MarkupLineInterpolated($"  [yellow]{unsettled}[/]");
                }

                foreach (var candidates in settings.Candidates)
                {
                    var workload = new ScaleWorkload(users, keys, source.Manifest.Dims.ItemCount, source.Manifest.Dims.SequenceLength, candidates, settings.K, settings.Seed);
                    var label = string.Create(CultureInfo.InvariantCulture, $"{items:N0} items {settings.Precision}, {silos} silo(s), {candidates:N0} candidates");
                    var check = new TopKCheck(workload, label);
                    var row = await MeasureAsync(settings, cluster, workload, check, items, silos, cancellationToken);
                    rows.Add(row);
                    checks.Add((check, rows.Count - 1));
                    AnsiConsole.MarkupLineInterpolated(
                        $"  {label}: p50 {row.P50Ms:0.00} ms, p99 {row.P99Ms:0.00} ms at {row.RateRps:0.##}/s; saturation {row.SaturationRps:0.0}/s; largest silo {row.RssMbMaxSilo:N0} MiB, all {row.RssMbTotal:N0} MiB; coverage min {row.CoverageMin:0.####}; failed {row.Failed}; shards {row.Placement}, {row.ShardActivations} activated during the load");
                }
            }
        }

        if (checks.Count > 0 && checks.Any(c => c.Check.Count > 0))
        {
            cancellationToken.ThrowIfCancellationRequested();
            AnsiConsole.MarkupLineInterpolated($"  comparing the cluster's top-k with the in-process Ranker over the same catalog");
            using var ranker = Ranker.Load(catalogDirectory, new InferenceOptions { VerifyChecksums = false });
            foreach (var (check, rowIndex) in checks)
            {
                var (equal, nearTies, found) = check.Compare(ranker);
                rows[rowIndex] = rows[rowIndex] with { Verified = check.Count, VerifiedEqual = equal, VerifiedNearTies = nearTies };
                mismatches.AddRange(found);
                AnsiConsole.MarkupLineInterpolated($"  {check.Label}: {equal}/{check.Count} top-k equal to the Ranker's, {nearTies} more differing only in near-tied items");
            }
        }
    }

    private static async Task<(ModelManifest Manifest, bool Generated, double Seconds)> GenerateAsync(
        ModelArtifact source, string directory, int items, ScaleSettings settings, CancellationToken cancellationToken)
    {
        var watch = Stopwatch.StartNew();
        var (manifest, generated) = await AnsiConsole.Progress()
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn(), new RemainingTimeColumn())
            .StartAsync(async context =>
            {
                var task = context.AddTask(string.Create(CultureInfo.InvariantCulture, $"catalog {items:N0} items {settings.Precision}"), maxValue: items);
                var result = await Task.Run(() => CatalogGenerator.Ensure(source, directory, items, settings.Half, settings.Seed, new SynchronousProgress(task), cancellationToken), cancellationToken);
                task.Value = items;
                return result;
            });
        return (manifest, generated, watch.Elapsed.TotalSeconds);
    }

    private static async Task<ScaleRow> MeasureAsync(
        ScaleSettings settings, ScaleCluster cluster, ScaleWorkload workload, TopKCheck check, int items, int silos, CancellationToken cancellationToken)
    {
        var requests = workload.Prepare(PreparedRequests);
        using var handler = new SocketsHttpHandler
        {
            MaxConnectionsPerServer = Math.Max(settings.Concurrency, 64),
            UseProxy = false,
            UseCookies = false,
            AutomaticDecompression = DecompressionMethods.None,
            PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
        };
        using var client = new HttpClient(handler) { Timeout = s_requestTimeout };
        var readsBefore = cluster.Placement.Reads;
        long maxSilo = 0, maxTotal = 0;
        using var sampling = new CancellationTokenSource();
        var sampler = Task.Run(async () =>
        {
            using var timer = new PeriodicTimer(s_memoryInterval);
            do
            {
                var (silo, total) = cluster.Memory();
                maxSilo = Math.Max(maxSilo, silo);
                maxTotal = Math.Max(maxTotal, total);
            }
            while (await timer.WaitForNextTickAsync(sampling.Token).ConfigureAwait(false));
        }, CancellationToken.None);

        LoadResult fixedRate, saturation;
        double rate;
        var verification = new LoadRecorder(0, long.MaxValue, Stopwatch.Frequency);
        try
        {
            // Saturation first: the fixed rate must be moderate for this configuration, so it is capped at a share of it.
            saturation = await PhaseAsync("saturation", settings, client, cluster.RankUris, requests, rate: null, cancellationToken);
            rate = ModerateRate(settings.Rate, saturation.ThroughputPerSecond);
            fixedRate = await PhaseAsync(string.Create(CultureInfo.InvariantCulture, $"fixed rate {rate:0.##}/s"), settings, client, cluster.RankUris, requests, rate, cancellationToken);
            await VerifyAsync(settings, client, cluster.RankUris, workload, check, verification, cancellationToken);
        }
        finally
        {
            await sampling.CancelAsync();
            try
            {
                await sampler;
            }
            catch (OperationCanceledException)
            {
                // the sampler's end
            }
        }

        var verified = verification.Result();
        double[] coverages = [fixedRate.MinCoverage, saturation.MinCoverage, verified.MinCoverage];
        var coverage = coverages.Any(double.IsFinite) ? coverages.Where(double.IsFinite).Min() : double.NaN;
        return new ScaleRow(
            items, silos, workload.Candidates, settings.Precision, MiB(maxSilo), MiB(maxTotal), cluster.ReadySeconds, rate,
            fixedRate.Latency.P50Ms, fixedRate.Latency.P99Ms, saturation.ThroughputPerSecond, coverage,
            fixedRate.Failed + saturation.Failed + verification.Progress().Failed, 0, 0, 0,
            cluster.Placement.Describe(), cluster.Placement.ItemsHeld(), cluster.Placement.Reads - readsBefore,
            fixedRate.GatewayMsP50, fixedRate.ClusterMsP50, fixedRate.StageMediansMs);
    }

    // One measured load phase with a progress bar over its warm-up and window: open loop at `rate`, or closed loop.
    private static async Task<LoadResult> PhaseAsync(
        string name, ScaleSettings settings, HttpClient client, IReadOnlyList<Uri> targets, IReadOnlyList<PreparedRequest> requests, double? rate,
        CancellationToken cancellationToken)
    {
        var frequency = Stopwatch.Frequency;
        var warmupTicks = (long)(settings.Warmup.TotalSeconds * frequency);
        var windowTicks = (long)(settings.Window.TotalSeconds * frequency);
        var start = Stopwatch.GetTimestamp();
        var recorder = new LoadRecorder(start + warmupTicks, start + warmupTicks + windowTicks, frequency);
        var generator = new LoadGenerator(client, targets, recorder);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        using var abort = new CancellationTokenSource();
        await using var aborting = cancellationToken.Register(abort.Cancel);
        await AnsiConsole.Progress()
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new ElapsedTimeColumn())
            .StartAsync(async context =>
            {
                var task = context.AddTask(name, maxValue: (settings.Warmup + settings.Window).TotalSeconds);
                var run = rate is { } r
                    ? generator.RunFixedRateAsync(requests, new FixedRateSchedule(r, frequency), start, new FixedRateSchedule(r, frequency).CountWithin(warmupTicks + windowTicks), stop.Token, abort.Token)
                    : RunClosedAsync(generator, requests, settings, stop, abort.Token);
                while (!run.IsCompleted)
                {
                    await Task.WhenAny(run, Task.Delay(500, CancellationToken.None));
                    var p = recorder.Progress();
                    task.Value = Math.Min(task.MaxValue, Stopwatch.GetElapsedTime(start).TotalSeconds);
                    task.Description = string.Create(CultureInfo.InvariantCulture, $"{name}: sent {p.Sent}, ok {p.Succeeded}, errors {p.Failed}, in flight {p.InFlight}");
                }

                await run;
                task.Value = task.MaxValue;
            });
        cancellationToken.ThrowIfCancellationRequested();
        return recorder.Result();
    }

    /// <summary>
    /// The rate latency is measured at: the asked rate, capped at <see cref="ModerateShare"/> of the measured saturation
    /// throughput (an open loop above capacity measures the queue, not the service), and at least 1 request/s.
    /// </summary>
    public static double ModerateRate(double asked, double saturation) =>
        Math.Max(1, double.IsFinite(saturation) && saturation > 0 ? Math.Min(asked, Math.Floor(saturation * ModerateShare)) : asked);

    /// <summary>Share of the saturation throughput the fixed rate may reach.</summary>
    public const double ModerateShare = 0.5;

    private static Task RunClosedAsync(LoadGenerator generator, IReadOnlyList<PreparedRequest> requests, ScaleSettings settings, CancellationTokenSource stop, CancellationToken abort)
    {
        stop.CancelAfter(settings.Warmup + settings.Window);
        return generator.RunSaturationAsync(requests, settings.Concurrency, stop.Token, abort);
    }

    // Requests 0..Verify−1, a few at a time, their top-k recorded for the comparison with the in-process Ranker.
    private static async Task VerifyAsync(
        ScaleSettings settings, HttpClient client, IReadOnlyList<Uri> targets, ScaleWorkload workload, TopKCheck check, LoadRecorder recorder, CancellationToken cancellationToken)
    {
        var next = -1;
        async Task WorkerAsync()
        {
            int index;
            while ((index = Interlocked.Increment(ref next)) < settings.Verify)
            {
                var body = JsonSerializer.SerializeToUtf8Bytes(workload.Request(index), LoadTestJsonContext.Default.RankRequestJson);
                using var content = new ByteArrayContent(body);
                content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
                var sent = Stopwatch.GetTimestamp();
                recorder.RecordSent();
                try
                {
                    using var response = await client.PostAsync(targets[index % targets.Count], content, cancellationToken);
                    var bytes = await response.Content.ReadAsByteArrayAsync(cancellationToken);
                    if (response.StatusCode != HttpStatusCode.OK)
                    {
                        recorder.RecordFailure(sent, ((int)response.StatusCode).ToString(CultureInfo.InvariantCulture));
                        continue;
                    }

                    var answer = JsonSerializer.Deserialize(bytes, LoadTestJsonContext.Default.RankAnswerJson);
                    if (answer is null)
                    {
                        recorder.RecordFailure(sent, "bad body");
                        continue;
                    }

                    recorder.RecordSuccess(sent, Stopwatch.GetTimestamp(), new RankResponseJson(answer.ModelVersion, answer.Coverage, null));
                    check.Record(index, answer.Items);
                }
                catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
                {
                    recorder.RecordFailure(sent, "timeout");
                }
                catch (HttpRequestException)
                {
                    recorder.RecordFailure(sent, "transport");
                }
            }
        }

        await AnsiConsole.Status().StartAsync(
            string.Create(CultureInfo.InvariantCulture, $"verification: {settings.Verify} requests, top-k recorded"),
            _ => Task.WhenAll(Enumerable.Range(0, VerifyConcurrency).Select(_ => WorkerAsync())));
    }

    private static void WriteResults(ScaleSettings settings, List<ScaleRow> rows, List<string> failures, List<string> mismatches)
    {
        var directory = settings.OutputDirectory;
        Directory.CreateDirectory(directory);
        File.WriteAllText(Path.Combine(directory, "scale.csv"), ScaleCsv.Format(rows));
        File.WriteAllText(Path.Combine(directory, "scale.md"), ScaleReport.Format(settings, rows, failures, mismatches, DateTimeOffset.UtcNow, DescribeMachine()));
        if (rows.Count > 0)
        {
            ScalePlot.Write(directory, rows);
        }
    }

    private static string DescribeMachine()
    {
        var memory = GC.GetGCMemoryInfo().TotalAvailableMemoryBytes;
        // The machine may be shared: its load says how much of the CPU the silos and the generator really had.
        var load = File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Split(' ') : [];
        var average = load.Length >= 3 ? $"; load average {load[0]} / {load[1]} / {load[2]} (1 / 5 / 15 min) when written" : string.Empty;
        return string.Create(CultureInfo.InvariantCulture, $"{Hardware.Describe()}, {memory / (1024.0 * 1024 * 1024):0} GiB memory{average}");
    }

    private static double MiB(long bytes) => bytes / (1024.0 * 1024.0);

    private static long FolderMiB(string directory) => new DirectoryInfo(directory).EnumerateFiles().Sum(f => f.Length) / (1024 * 1024);

    private static string FirstLines(string message)
    {
        var lines = message.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var text = new StringBuilder();
        foreach (var line in lines.Take(3))
        {
            text.Append(line.Trim()).Append(' ');
        }

        return text.ToString().Trim();
    }

    // Spectre's progress task takes values from the generator's thread directly (Progress<T> would post to a context).
    private sealed class SynchronousProgress(ProgressTask task) : IProgress<long>
    {
        public void Report(long value) => task.Value = value;
    }
}
