using System.Net;
using System.Text.Json;
using FitCluster.EndToEnd.Tests.Infrastructure;
using FitCluster.Model.Tests;
using static FitCluster.EndToEnd.Tests.UserStateTests;

namespace FitCluster.EndToEnd.Tests;

/// <summary>
/// The live item catalog on a real silo (the embedded default: the item log in grain state files): every acknowledged
/// upsert and delete survives <c>kill -9</c> and a restart, and the restarted silo ranks the upserted items. The JSON
/// here is written and read by hand.
/// </summary>
[Trait("Category", "EndToEnd")]
public sealed class ItemCatalogDurabilityTests
{
    private const int ItemsPerBatch = 40;
    private const int BatchesBeforeKill = 12;
    private const int MaxBatches = 5_000; // a bound on the writer, should the kill never come

    [Fact]
    public async Task Upserts_AcknowledgedBeforeKill9_AllRankableAfterRestart()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        using var folder = new TempDirectory();
        var root = folder.Combine("models");
        TestArtifact.WriteFit(Path.Combine(root, "fit"), seed: 11);
        await using var silo = await EmbeddedSilo.StartAsync(root, [], cancellationToken);

        // Deletes first (acknowledged): an exported item and a written one.
        await ExpectAsync(await SendAsync(silo.Http, HttpMethod.Put, "v1/items", """{"items": [{"id": "gone", "features": {"genres": "a"}}]}""", cancellationToken), HttpStatusCode.OK, cancellationToken);
        await ExpectAsync(await SendAsync(silo.Http, HttpMethod.Delete, "v1/items/gone", null, cancellationToken), HttpStatusCode.OK, cancellationToken);
        await ExpectAsync(await SendAsync(silo.Http, HttpMethod.Delete, "v1/items/m5", null, cancellationToken), HttpStatusCode.OK, cancellationToken);

        // A writer sends batches one after another and records each acknowledged one; the silo is killed mid-stream.
        var acknowledged = new List<string>();
        var armed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var writer = Task.Run(async () =>
        {
            for (var b = 0; b < MaxBatches; b++)
            {
                var ids = Enumerable.Range(0, ItemsPerBatch).Select(j => $"w{b}-{j}").ToArray();
                var items = string.Join(", ", ids.Select((id, j) => $$$"""{"id": "{{{id}}}", "features": {"genres": ["{{{(j % 2 == 0 ? "a" : "b")}}}"]}}"""));
                try
                {
                    using var response = await SendAsync(silo.Http, HttpMethod.Put, "v1/items", $$"""{"items": [{{items}}]}""", cancellationToken);
                    if (response.StatusCode != HttpStatusCode.OK)
                    {
                        return $"batch {b}: HTTP {(int)response.StatusCode}";
                    }
                }
                catch (HttpRequestException e)
                {
                    return $"batch {b}: {e.Message}";
                }

                lock (acknowledged)
                {
                    acknowledged.AddRange(ids);
                    if (acknowledged.Count == BatchesBeforeKill * ItemsPerBatch)
                    {
                        armed.TrySetResult();
                    }
                }
            }

            return "the writer reached its bound";
        }, cancellationToken);

        // The writer stops at its first failure: if it stops before enough writes were acknowledged, fail now, not never.
        if (await Task.WhenAny(armed.Task, writer).WaitAsync(cancellationToken) != armed.Task)
        {
            Assert.Fail($"the writer stopped before the kill: {await writer}");
        }

        await silo.KillAsync();
        var stopped = await writer;
        await silo.RestartAsync(cancellationToken);

        Assert.True(acknowledged.Count >= BatchesBeforeKill * ItemsPerBatch, $"writer: {stopped}");
        var unknown = new List<string>();
        foreach (var chunk in acknowledged.Append("m5").Append("gone").Append("m6").Chunk(60))
        {
            var candidates = string.Join(", ", chunk.Select(id => $"\"{id}\""));
            var reply = await ExpectAsync(await RankAsync(silo.Http, $$"""{"user": {"user_id": "u1", "gender": "F"}, "candidates": [{{candidates}}], "k": 5}""", cancellationToken),
                HttpStatusCode.OK, cancellationToken);
            unknown.AddRange(reply.GetProperty("unknown_candidates").EnumerateArray().Select(e => e.GetString()!));
        }

        Assert.Equal(["m5", "gone"], unknown); // every acknowledged upsert is rankable; both deletes held; m6 untouched
        var last = acknowledged[^1];
        var stored = await ExpectAsync(await SendAsync(silo.Http, HttpMethod.Get, $"v1/items/{last}", null, cancellationToken), HttpStatusCode.OK, cancellationToken);
        Assert.Equal([ItemsPerBatch % 2 == 0 ? "b" : "a"], stored.GetProperty("features").GetProperty("genres").EnumerateArray().Select(e => e.GetString()));
        Assert.False(stored.GetProperty("deleted").GetBoolean());
    }
}
