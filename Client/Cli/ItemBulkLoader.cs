using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace FitCluster.Client.Cli;

/// <summary>
/// Loads items from JSON lines (one <c>{"id": "...", "features": {...}}</c> per line, as in a <c>PUT /v1/items</c> batch)
/// into a running cluster: batches of <see cref="BatchSize"/> lines, up to <see cref="Concurrency"/> in flight, each
/// batch resent (an upsert replaces, so it is safe) after a 503, 504, 429 or a lost connection, up to
/// <see cref="Attempts"/> times with a growing pause. Lines are sent as written (the server reads them); a line that is
/// not a JSON object is reported with its number and not sent. Progress goes to the given writer about once a second.
/// </summary>
public sealed class ItemBulkLoader(HttpClient http, string adminToken, TextWriter progress)
{
    /// <summary>Items per request (≤ 5,000). Default 1,000.</summary>
    public int BatchSize { get; init; } = 1_000;

    /// <summary>Requests in flight. Default 2.</summary>
    public int Concurrency { get; init; } = 2;

    /// <summary>Tries per batch. Default 5.</summary>
    public int Attempts { get; init; } = 5;

    /// <summary>The first pause before resending (doubled per try). Default 0.5 s.</summary>
    public TimeSpan FirstPause { get; init; } = TimeSpan.FromMilliseconds(500);

    /// <summary>Reads every line of <paramref name="lines"/> and loads the items.</summary>
    public async Task<BulkLoadReport> LoadAsync(TextReader lines, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(lines);
        ArgumentOutOfRangeException.ThrowIfLessThan(BatchSize, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(BatchSize, Grains.Interfaces.IItemCatalogGrain.MaxBatch);
        ArgumentOutOfRangeException.ThrowIfLessThan(Concurrency, 1);
        var report = new BulkLoadReport();
        var watch = Stopwatch.StartNew();
        var lastProgress = TimeSpan.Zero;
        var inFlight = new List<Task>();
        var batch = new List<(int Line, string Json)>(BatchSize);
        var number = 0;
        while (await lines.ReadLineAsync(cancellationToken) is { } line)
        {
            number++;
            if (string.IsNullOrWhiteSpace(line))
            {
                continue;
            }

            if (!IsObject(line, out var problem))
            {
                report.Refuse(number, "malformed_line", problem);
                continue;
            }

            batch.Add((number, line));
            if (batch.Count == BatchSize)
            {
                inFlight.Add(SendAsync([.. batch], report, cancellationToken));
                batch.Clear();
                if (inFlight.Count >= Concurrency)
                {
                    var done = await Task.WhenAny(inFlight);
                    inFlight.Remove(done);
                    await done;
                }
            }

            if (watch.Elapsed - lastProgress >= TimeSpan.FromSeconds(1))
            {
                lastProgress = watch.Elapsed;
                WriteProgress(report, watch.Elapsed);
            }
        }

        if (batch.Count > 0)
        {
            inFlight.Add(SendAsync([.. batch], report, cancellationToken));
        }

        await Task.WhenAll(inFlight);
        report.Elapsed = watch.Elapsed;
        WriteProgress(report, watch.Elapsed);
        return report;
    }

    private void WriteProgress(BulkLoadReport report, TimeSpan elapsed) =>
        progress.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"items: {report.Applied:N0} stored, {report.Refused.Count:N0} refused, {report.NotStored:N0} not stored ({report.Applied / Math.Max(elapsed.TotalSeconds, 1e-3):N0} items/s)"));

    private async Task SendAsync((int Line, string Json)[] batch, BulkLoadReport report, CancellationToken cancellationToken)
    {
        var body = new StringBuilder("{\"items\":[");
        for (var i = 0; i < batch.Length; i++)
        {
            body.Append(i == 0 ? string.Empty : ",").Append(batch[i].Json);
        }

        body.Append("]}");
        var content = body.ToString();
        var pause = FirstPause;
        for (var attempt = 1; ; attempt++)
        {
            HttpStatusCode? status = null;
            string answer;
            try
            {
                using var request = new HttpRequestMessage(HttpMethod.Put, new Uri("v1/items", UriKind.Relative))
                {
                    Content = new StringContent(content, Encoding.UTF8, "application/json"),
                };
                request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", adminToken);
                using var response = await http.SendAsync(request, cancellationToken);
                status = response.StatusCode;
                answer = await response.Content.ReadAsStringAsync(cancellationToken);
            }
            catch (HttpRequestException e)
            {
                answer = e.Message;
            }
            catch (TaskCanceledException e) when (!cancellationToken.IsCancellationRequested)
            {
                answer = $"no answer within the client's timeout ({e.Message})";
            }

            if (status is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden)
            {
                throw new BulkLoadAbortedException($"the server answered {(int)status}: {AdminCommands.Explain(answer)}");
            }

            var retry = status is null or HttpStatusCode.ServiceUnavailable or HttpStatusCode.GatewayTimeout or HttpStatusCode.TooManyRequests;
            if (!retry || attempt >= Attempts)
            {
                report.Record(batch, status, answer);
                return;
            }

            await Task.Delay(pause, cancellationToken);
            pause *= 2;
        }
    }

    private static bool IsObject(string line, out string problem)
    {
        try
        {
            using var document = JsonDocument.Parse(line);
            problem = document.RootElement.ValueKind == JsonValueKind.Object ? string.Empty : $"a line must be a JSON object, got {document.RootElement.ValueKind.ToString().ToLowerInvariant()}";
            return problem.Length == 0;
        }
        catch (JsonException e)
        {
            problem = $"not JSON: {e.Message}";
            return false;
        }
    }
}

/// <summary>What a bulk load did: items stored, refused (by line) and not stored (their batch failed every try).</summary>
public sealed class BulkLoadReport
{
    private readonly Lock _lock = new();
    private readonly List<(int Line, string Code, string Message)> _refused = [];
    private long _applied;
    private long _notStored;

    /// <summary>Items stored.</summary>
    public long Applied => Interlocked.Read(ref _applied);

    /// <summary>Items not stored because their batch failed every try (or the server could not store them).</summary>
    public long NotStored => Interlocked.Read(ref _notStored);

    /// <summary>Refused lines, by line number.</summary>
    public IReadOnlyList<(int Line, string Code, string Message)> Refused
    {
        get
        {
            lock (_lock)
            {
                return [.. _refused.OrderBy(r => r.Line)];
            }
        }
    }

    /// <summary>How long the load took.</summary>
    public TimeSpan Elapsed { get; internal set; }

    internal void Refuse(int line, string code, string message)
    {
        lock (_lock)
        {
            _refused.Add((line, code, message));
        }
    }

    // A batch's final answer: 200 (all stored), 400 (some refused: the rest stored), or anything else (none stored, or
    // as the problem says for 503).
    internal void Record((int Line, string Json)[] batch, HttpStatusCode? status, string answer)
    {
        var (applied, rejected) = Parse(answer);
        if (status == HttpStatusCode.OK)
        {
            Interlocked.Add(ref _applied, applied ?? batch.Length);
            return;
        }

        if (status is HttpStatusCode.BadRequest or HttpStatusCode.ServiceUnavailable && rejected is not null)
        {
            Interlocked.Add(ref _applied, applied ?? 0);
            foreach (var (index, code, message) in rejected)
            {
                var line = index >= 0 && index < batch.Length ? batch[index].Line : batch[0].Line;
                if (code == "not_stored")
                {
                    Interlocked.Increment(ref _notStored);
                }
                else
                {
                    Refuse(line, code, message);
                }
            }

            return;
        }

        Interlocked.Add(ref _notStored, batch.Length);
        Refuse(batch[0].Line, "batch_failed", string.Create(CultureInfo.InvariantCulture,
            $"lines {batch[0].Line}..{batch[^1].Line} not stored: {(status is null ? "no answer" : ((int)status.Value).ToString(CultureInfo.InvariantCulture))}: {AdminCommands.Explain(answer)}"));
    }

    private static (int? Applied, List<(int Index, string Code, string Message)>? Rejected) Parse(string answer)
    {
        try
        {
            using var document = JsonDocument.Parse(answer);
            var root = document.RootElement;
            int? applied = root.TryGetProperty("applied", out var a) && a.TryGetInt32(out var n) ? n : null;
            if (!root.TryGetProperty("rejected", out var r) || r.ValueKind != JsonValueKind.Array)
            {
                return (applied, null);
            }

            var rejected = new List<(int, string, string)>();
            foreach (var item in r.EnumerateArray())
            {
                var field = item.TryGetProperty("field", out var f) ? f.GetString() ?? string.Empty : string.Empty;
                var index = Gateway.ItemsApi.BatchIndexOf(field);
                rejected.Add((index, item.TryGetProperty("code", out var c) ? c.GetString() ?? "?" : "?", item.TryGetProperty("message", out var m) ? m.GetString() ?? string.Empty : string.Empty));
            }

            return (applied, rejected);
        }
        catch (JsonException)
        {
            return (null, null);
        }
    }
}

/// <summary>The load cannot go on (the credential was refused).</summary>
public sealed class BulkLoadAbortedException(string message) : Exception(message);
