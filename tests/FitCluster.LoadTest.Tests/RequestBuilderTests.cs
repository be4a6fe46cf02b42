using System.Text.Json;

namespace FitCluster.LoadTest.Tests;

public sealed class RequestBuilderTests
{
    [Fact]
    public void Build_CandidatesAreDistinctKnownItemsOfTheAskedCount()
    {
        var sample = Sample(items: 100, sequenceLength: 20);
        var requests = RequestBuilder.Build(sample, count: 16, candidates: 60, k: 10, modelVersion: "v1", seed: 7);

        Assert.Equal(16, requests.Count);
        var known = sample.ItemKeys.ToHashSet();
        foreach (var request in requests)
        {
            Assert.Equal(60, request.Request.Candidates.Count);
            Assert.Equal(60, request.Request.Candidates.Distinct().Count());
            Assert.All(request.Request.Candidates, id => Assert.Contains(id, known));
        }
    }

    [Fact]
    public void Build_AllItemsAsCandidates_ReturnsEachOnce()
    {
        var sample = Sample(items: 50, sequenceLength: 5);
        var request = RequestBuilder.Build(sample, count: 1, candidates: 50, k: 10, modelVersion: null, seed: 1)[0];

        Assert.Equal(sample.ItemKeys.Order(), request.Request.Candidates.Order());
    }

    [Fact]
    public void Build_HistoryHasTheSequenceLength()
    {
        var sample = Sample(items: 100, sequenceLength: 50);
        var requests = RequestBuilder.Build(sample, count: 8, candidates: 10, k: 10, modelVersion: null, seed: 3);

        Assert.All(requests, r => Assert.Equal(50, r.Request.Behaviours.Count));
        Assert.All(requests, r => Assert.Equal(50, r.Request.Behaviours.Distinct().Count()));
    }

    [Fact]
    public void Build_SequenceLongerThanCatalogue_StillFillsTheHistory()
    {
        var sample = Sample(items: 10, sequenceLength: 25);
        var request = RequestBuilder.Build(sample, count: 1, candidates: 10, k: 10, modelVersion: null, seed: 3)[0];

        Assert.Equal(25, request.Request.Behaviours.Count);
    }

    [Fact]
    public void Build_SameSeed_SameBodies()
    {
        var sample = Sample(items: 200, sequenceLength: 30);
        var first = RequestBuilder.Build(sample, count: 8, candidates: 100, k: 10, modelVersion: "v1", seed: 42);
        var second = RequestBuilder.Build(sample, count: 8, candidates: 100, k: 10, modelVersion: "v1", seed: 42);
        var other = RequestBuilder.Build(sample, count: 8, candidates: 100, k: 10, modelVersion: "v1", seed: 43);

        Assert.Equal(first.Select(r => r.Body), second.Select(r => r.Body));
        Assert.NotEqual(first.Select(r => Convert.ToBase64String(r.Body)), other.Select(r => Convert.ToBase64String(r.Body)));
    }

    [Fact]
    public void Build_DistinctRequestsDiffer()
    {
        var sample = Sample(items: 200, sequenceLength: 30);
        var requests = RequestBuilder.Build(sample, count: 8, candidates: 100, k: 10, modelVersion: null, seed: 5);

        Assert.Equal(8, requests.Select(r => string.Join(',', r.Request.Candidates)).Distinct().Count());
    }

    [Fact]
    public void Build_UsersTakenRoundRobinFromTheGoldenSet()
    {
        var sample = Sample(items: 20, sequenceLength: 5, users: 3);
        var requests = RequestBuilder.Build(sample, count: 7, candidates: 5, k: 10, modelVersion: null, seed: 1);

        Assert.Equal(["u0", "u1", "u2", "u0", "u1", "u2", "u0"], requests.Select(r => r.Request.User["user_id"]));
    }

    [Fact]
    public void Build_Body_IsTheGatewaysSnakeCaseJson()
    {
        var sample = Sample(items: 20, sequenceLength: 3);
        var request = RequestBuilder.Build(sample, count: 1, candidates: 4, k: 7, modelVersion: "fit-v1", seed: 1)[0];

        using var body = JsonDocument.Parse(request.Body);
        var root = body.RootElement;
        Assert.Equal("u0", root.GetProperty("user").GetProperty("user_id").GetString());
        Assert.Equal("F", root.GetProperty("user").GetProperty("gender").GetString());
        Assert.Equal(3, root.GetProperty("behaviours").GetArrayLength());
        Assert.Equal(request.Request.Candidates, root.GetProperty("candidates").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(7, root.GetProperty("k").GetInt32());
        Assert.Equal("fit-v1", root.GetProperty("model_version").GetString());
    }

    [Fact]
    public void Build_NoModelVersion_SendsNull()
    {
        var request = RequestBuilder.Build(Sample(items: 20, sequenceLength: 3), count: 1, candidates: 4, k: 7, modelVersion: null, seed: 1)[0];

        using var body = JsonDocument.Parse(request.Body);
        Assert.Equal(JsonValueKind.Null, body.RootElement.GetProperty("model_version").ValueKind);
    }

    [Fact]
    public void Build_MoreCandidatesThanItems_Throws()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => RequestBuilder.Build(Sample(items: 10, sequenceLength: 3), count: 1, candidates: 11, k: 10, modelVersion: null, seed: 1));
    }

    internal static ArtifactSample Sample(int items, int sequenceLength, int users = 2)
    {
        var keys = Enumerable.Range(1, items).Select(i => (i * 10).ToString(System.Globalization.CultureInfo.InvariantCulture)).ToArray();
        var golden = Enumerable.Range(0, users)
            .Select(u => (IReadOnlyDictionary<string, string>)new Dictionary<string, string> { ["user_id"] = $"u{u}", ["gender"] = "F" })
            .ToArray();
        return new ArtifactSample("v1", keys, sequenceLength, golden);
    }
}
