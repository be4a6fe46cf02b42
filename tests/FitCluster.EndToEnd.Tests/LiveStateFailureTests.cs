using System.Net;
using FitCluster.EndToEnd.Tests.Infrastructure;
using static FitCluster.EndToEnd.Tests.UserStateTests;

namespace FitCluster.EndToEnd.Tests;

/// <summary>The live-state test kills a silo, so it gets a deployment of its own and runs alone (as the silo-failure test).</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class LiveStateFailureGroup : ICollectionFixture<TwoSiloClusterFixture>
{
    /// <summary>Collection name.</summary>
    public const string Name = "live-state-failure";
}

/// <summary>
/// Item upserts and user events through the gateway of a two-silo Redis cluster while one silo is killed with
/// <c>kill -9</c> and restarted: every write acknowledged before, during and after the failure is still there — each
/// acknowledged item rankable, each acknowledged event stored — counted one by one.
/// </summary>
[Collection(LiveStateFailureGroup.Name)]
[Trait("Category", "EndToEnd")]
public sealed class LiveStateFailureTests(TwoSiloClusterFixture fixture)
{
    private const int ItemsPerBatch = 25;
    private const int RoundsBeforeKill = 8;
    private const int RoundsAfterKill = 8;
    private static readonly TimeSpan s_writeDeadline = TimeSpan.FromSeconds(120); // a bound on the writer
    private static readonly TimeSpan s_recoveryDeadline = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task ItemsAndEvents_AcknowledgedAroundAKill9_AllThereAfterRestart()
    {
        var cluster = fixture.Cluster;
        var cancellationToken = TestContext.Current.CancellationToken;
        var http = cluster.Http;
        const string User = "live/failure";
        await ExpectAsync(await SendAsync(http, HttpMethod.Put, $"v1/users/{Uri.EscapeDataString(User)}", """{"features": {"user_id": "u1", "gender": "F"}}""", cancellationToken),
            HttpStatusCode.OK, cancellationToken);

        // Each round: one item batch and one event; each is recorded only when acknowledged (200). Silo 2 is killed after
        // some rounds and restarted later; writes that fail meanwhile are simply not acknowledged.
        var items = new List<string>();
        var events = new List<string>();
        var watch = System.Diagnostics.Stopwatch.StartNew();
        var rounds = 0;
        var acknowledgedRounds = 0;
        var killed = false;
        var restarted = false;
        var failures = 0;
        while (acknowledgedRounds < RoundsBeforeKill + RoundsAfterKill && watch.Elapsed < s_writeDeadline)
        {
            if (!killed && acknowledgedRounds == RoundsBeforeKill)
            {
                await cluster.KillSiloAsync(2);
                killed = true;
            }
            else if (killed && !restarted && (failures > 0 || acknowledgedRounds >= RoundsBeforeKill + 3))
            {
                await cluster.RestartSiloAsync(2, cancellationToken);
                restarted = true;
            }

            var ids = Enumerable.Range(0, ItemsPerBatch).Select(j => $"live-{rounds}-{j}").ToArray();
            var batch = string.Join(", ", ids.Select(id => $$$"""{"id": "{{{id}}}", "features": {"genres": ["a", "b"]}}"""));
            var eventId = $"e{rounds}";
            var itemsAcknowledged = await TryAsync(http, HttpMethod.Put, "v1/items", $$"""{"items": [{{batch}}]}""", cancellationToken);
            var eventAcknowledged = await TryAsync(http, HttpMethod.Post, $"v1/users/{Uri.EscapeDataString(User)}/events",
                $$$"""{"events": [{"event_id": "{{{eventId}}}", "item": "m{{{rounds % 40 + 1}}}", "timestamp": {{{1_000 + rounds}}}}]}""", cancellationToken);
            if (itemsAcknowledged)
            {
                items.AddRange(ids);
            }

            if (eventAcknowledged)
            {
                events.Add(eventId);
            }

            failures += itemsAcknowledged && eventAcknowledged ? 0 : 1;
            acknowledgedRounds += itemsAcknowledged && eventAcknowledged ? 1 : 0;
            rounds++;
        }

        Assert.True(killed && restarted, $"the writer stopped after {rounds} rounds ({acknowledgedRounds} acknowledged) before the kill and restart");
        Assert.True(acknowledgedRounds >= RoundsBeforeKill + RoundsAfterKill, $"only {acknowledgedRounds} of {rounds} rounds acknowledged within {s_writeDeadline}");

        // Every acknowledged item rankable and every acknowledged event stored, once the cluster has settled.
        var recovery = System.Diagnostics.Stopwatch.StartNew();
        List<string> missingItems;
        List<string> missingEvents;
        do
        {
            missingItems = await UnknownAsync(http, items, cancellationToken);
            missingEvents = await MissingEventsAsync(http, User, events, cancellationToken);
            if (missingItems.Count == 0 && missingEvents.Count == 0)
            {
                break;
            }

            await Task.Delay(500, cancellationToken);
        }
        while (recovery.Elapsed < s_recoveryDeadline);

        Assert.True(missingItems.Count == 0 && missingEvents.Count == 0,
            $"{items.Count} items and {events.Count} events acknowledged; not there after {recovery.Elapsed.TotalSeconds:F0} s: items [{string.Join(", ", missingItems.Take(20))}] " +
            $"({missingItems.Count}), events [{string.Join(", ", missingEvents)}]; {failures} failed rounds{Environment.NewLine}{cluster.Diagnostics()}");
    }

    private static async Task<bool> TryAsync(HttpClient http, HttpMethod method, string path, string json, CancellationToken cancellationToken)
    {
        try
        {
            using var response = await SendAsync(http, method, path, json, cancellationToken);
            return response.StatusCode == HttpStatusCode.OK;
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
        {
            return false;
        }
    }

    // The ids the cluster reports unknown (or could not rank: all of the chunk), in chunks of the rank limit.
    private static async Task<List<string>> UnknownAsync(HttpClient http, List<string> ids, CancellationToken cancellationToken)
    {
        var unknown = new List<string>();
        foreach (var chunk in ids.Chunk(ClusterProcesses.MaxCandidates))
        {
            var candidates = string.Join(", ", chunk.Select(id => $"\"{id}\""));
            try
            {
                using var response = await RankAsync(http, $$"""{"user": {"user_id": "u1", "gender": "F"}, "candidates": [{{candidates}}], "k": 5}""", cancellationToken);
                if (response.StatusCode != HttpStatusCode.OK)
                {
                    unknown.AddRange(chunk);
                    continue;
                }

                var reply = await ExpectAsync(response, HttpStatusCode.OK, cancellationToken);
                unknown.AddRange(reply.GetProperty("unknown_candidates").EnumerateArray().Select(e => e.GetString()!));
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
            {
                unknown.AddRange(chunk);
            }
        }

        return unknown;
    }

    private static async Task<List<string>> MissingEventsAsync(HttpClient http, string user, List<string> events, CancellationToken cancellationToken)
    {
        try
        {
            using var response = await SendAsync(http, HttpMethod.Get, $"v1/users/{Uri.EscapeDataString(user)}", null, cancellationToken);
            if (response.StatusCode != HttpStatusCode.OK)
            {
                return events;
            }

            var stored = (await ExpectAsync(response, HttpStatusCode.OK, cancellationToken)).GetProperty("events").EnumerateArray()
                .Select(e => e.GetProperty("event_id").GetString()!).ToHashSet(StringComparer.Ordinal);
            return [.. events.Where(e => !stored.Contains(e))];
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
        {
            return events;
        }
    }
}
