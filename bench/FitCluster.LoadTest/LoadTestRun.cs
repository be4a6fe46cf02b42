using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Runtime.InteropServices;

namespace FitCluster.LoadTest;

/// <summary>
/// One run end to end: draw the requests from the artifact, check the gateway answers, send load (progress on stderr
/// every second), then print the Markdown result and append it to <see cref="LoadTestSettings.OutputFile"/>.
/// The first Ctrl+C (or SIGTERM) ends the measurement window and waits for the answers in flight; a second one
/// abandons them. Either way the results so far are printed.
/// </summary>
public static class LoadTestRun
{
    private static readonly TimeSpan s_preflightTimeout = TimeSpan.FromSeconds(5);

    /// <summary>Runs <paramref name="settings"/>.</summary>
    /// <returns>0 when at least one measured request succeeded; 1 for none or bad settings, 2 for an unusable artifact, 3 when the gateway does not answer.</returns>
    public static async Task<int> RunAsync(LoadTestSettings settings, TextWriter output, TextWriter error, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(error);
        ArtifactSample sample;
        try
        {
            sample = ArtifactSample.Load(settings.ArtifactDirectory);
        }
        catch (InvalidDataException e)
        {
            await error.WriteLineAsync($"error: the artifact cannot be used: {e.Message}").ConfigureAwait(false);
            return 2;
        }

        var modelVersion = settings.ModelVersion switch
        {
            null => sample.ModelVersion,
            LoadTestCommand.ActiveModel => null,
            var version => version,
        };
        if (settings.Candidates > sample.ItemKeys.Count)
        {
            await error.WriteLineAsync($"error: --candidates {settings.Candidates} exceeds the artifact's {sample.ItemKeys.Count} items (candidates are distinct)").ConfigureAwait(false);
            return 1;
        }

        var requests = RequestBuilder.Build(sample, settings.Requests, settings.Candidates, settings.K, modelVersion, settings.Seed);

        using var handler = new SocketsHttpHandler
        {
            MaxConnectionsPerServer = settings.Connections,
            UseProxy = false,
            UseCookies = false,
            AutomaticDecompression = DecompressionMethods.None,
            PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
        };
        using var client = new HttpClient(handler, disposeHandler: false) { Timeout = settings.Timeout };
        var baseUrl = settings.Url.AbsoluteUri.TrimEnd('/');
        using (var preflight = new HttpClient(handler, disposeHandler: false) { Timeout = s_preflightTimeout })
        {
            if (!await GatewayAnswersAsync(preflight, new Uri(baseUrl + "/v1/models"), error, cancellationToken).ConfigureAwait(false))
            {
                return 3;
            }
        }

        var frequency = Stopwatch.Frequency;
        var warmupTicks = (long)(settings.Warmup.TotalSeconds * frequency);
        var durationTicks = (long)(settings.Duration.TotalSeconds * frequency);
        var start = Stopwatch.GetTimestamp();
        var recorder = new LoadRecorder(start + warmupTicks, start + warmupTicks + durationTicks, frequency);
        using var stop = new CancellationTokenSource();
        using var abort = new CancellationTokenSource();
        void Interrupt()
        {
            if (!stop.IsCancellationRequested)
            {
                recorder.StopAt(Stopwatch.GetTimestamp());
                error.WriteLine("[load] stopping: waiting for the answers in flight (Ctrl+C again to abandon them)");
                stop.Cancel();
            }
            else
            {
                abort.Cancel();
            }
        }

        void OnSignal(PosixSignalContext context)
        {
            context.Cancel = true;
            Interrupt();
        }

        using var interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, OnSignal);
        using var terminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, OnSignal);
        await using var cancelled = cancellationToken.Register(Interrupt);
        using var progressDone = new CancellationTokenSource();
        var progress = ReportProgressAsync(recorder, start, start + warmupTicks, error, progressDone.Token);
        await error.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
            $"[load] {settings.Mode} for {settings.Duration.TotalSeconds:0.#} s after {settings.Warmup.TotalSeconds:0.#} s warm-up against {baseUrl}: {requests.Count} requests of {settings.Candidates} candidates, k {settings.K}, model {modelVersion ?? "active"}")).ConfigureAwait(false);

        var generator = new LoadGenerator(client, [new Uri(baseUrl + "/v1/rank")], recorder);
        if (settings.Rate is { } rate)
        {
            var schedule = new FixedRateSchedule(rate, frequency);
            await generator.RunFixedRateAsync(requests, schedule, start, schedule.CountWithin(warmupTicks + durationTicks), stop.Token, abort.Token).ConfigureAwait(false);
        }
        else
        {
            stop.CancelAfter(settings.Warmup + settings.Duration);
            await generator.RunSaturationAsync(requests, settings.Concurrency ?? 1, stop.Token, abort.Token).ConfigureAwait(false);
        }

        await progressDone.CancelAsync().ConfigureAwait(false);
        await progress.ConfigureAwait(false);

        var result = recorder.Result();
        var report = new LoadReport(DateTimeOffset.UtcNow, Hardware.Describe(), settings.Label, settings.Mode, settings.Candidates, settings.K, result);
        await output.WriteAsync(MarkdownReport.Header() + MarkdownReport.Row(report)).ConfigureAwait(false);
        if (StageLine(result) is { } stages)
        {
            await error.WriteLineAsync(stages).ConfigureAwait(false);
        }

        if (settings.OutputFile is { } file)
        {
            MarkdownReport.AppendTo(file, report);
            await error.WriteLineAsync($"[load] appended to {file}").ConfigureAwait(false);
        }

        return result.Succeeded > 0 ? 0 : 1;
    }

    /// <summary>
    /// The ranking grain's stage medians in the order a request passes them (from each response's <c>timings</c>), e.g.
    /// <c>[load] stage medians (ms): resolve_ms 0.110, user_tower_ms 0.300</c>; null when no response carried any.
    /// </summary>
    public static string? StageLine(LoadResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        if (result.StageMediansMs is not { Count: > 0 } medians)
        {
            return null;
        }

        var parts = LoadRecorder.StageNames.Where(medians.ContainsKey)
            .Select(name => string.Create(CultureInfo.InvariantCulture, $"{name} {medians[name]:0.000}"));
        return "[load] stage medians (ms): " + string.Join(", ", parts);
    }

    private static async Task<bool> GatewayAnswersAsync(HttpClient client, Uri models, TextWriter error, CancellationToken cancellationToken)
    {
        string problem;
        try
        {
            using var response = await client.GetAsync(models, cancellationToken).ConfigureAwait(false);
            if (response.IsSuccessStatusCode)
            {
                return true;
            }

            problem = $"HTTP {(int)response.StatusCode}";
        }
        catch (HttpRequestException e)
        {
            problem = e.Message;
        }
        catch (OperationCanceledException)
        {
            problem = $"no answer within {s_preflightTimeout.TotalSeconds:0} s";
        }

        await error.WriteLineAsync($"error: the gateway does not answer GET {models} ({problem}); start it with ./fit gateway").ConfigureAwait(false);
        return false;
    }

    private static async Task ReportProgressAsync(LoadRecorder recorder, long start, long windowStart, TextWriter error, CancellationToken done)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1));
        try
        {
            while (await timer.WaitForNextTickAsync(done).ConfigureAwait(false))
            {
                var now = Stopwatch.GetTimestamp();
                var phase = now < windowStart ? "warm-up" : recorder.IsMeasured(now) ? "measuring" : "draining";
                var p = recorder.Progress();
                await error.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                    $"[load] {Stopwatch.GetElapsedTime(start, now).TotalSeconds,5:0} s {phase,-9}  sent {p.Sent}  ok {p.Succeeded}  errors {p.Failed}  in flight {p.InFlight}")).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException)
        {
            // The run is over.
        }
    }
}
