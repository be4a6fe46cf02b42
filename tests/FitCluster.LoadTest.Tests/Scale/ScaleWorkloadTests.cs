using FitCluster.LoadTest.Scale;

namespace FitCluster.LoadTest.Tests.Scale;

public sealed class ScaleWorkloadTests
{
    private static readonly IReadOnlyDictionary<string, string>[] s_users =
    [
        new Dictionary<string, string> { ["user_id"] = "u1" },
        new Dictionary<string, string> { ["user_id"] = "u2" },
    ];

    [Fact]
    public void Request_PureFunctionOfTheIndex()
    {
        var one = Workload(candidates: 300);
        var other = Workload(candidates: 300);

        Assert.Equal(one.Request(17).Candidates, other.Request(17).Candidates);
        Assert.Equal(one.Request(17).Behaviours, other.Request(17).Behaviours);
        Assert.NotEqual(one.Request(17).Candidates, one.Request(18).Candidates);
    }

    [Fact]
    public void Request_DistinctCandidatesFromTheWholeCatalog_BehavioursFromTheSourceItems()
    {
        var workload = Workload(candidates: 900);
        var seenGenerated = false;
        for (var index = 0; index < 20; index++)
        {
            var request = workload.Request(index);
            Assert.Equal(900, request.Candidates.Count);
            Assert.Equal(900, request.Candidates.Distinct().Count());
            Assert.All(request.Candidates, key => Assert.Contains(key, workload.Keys));
            seenGenerated |= request.Candidates.Any(k => k.StartsWith(SyntheticItems.KeyPrefix, StringComparison.Ordinal));
            Assert.Equal(5, request.Behaviours.Count);
            Assert.Equal(5, request.Behaviours.Distinct().Count());
            Assert.All(request.Behaviours, key => Assert.StartsWith("src", key, StringComparison.Ordinal));
            Assert.Same(s_users[index % 2], request.User);
            Assert.Equal(10, request.K);
            Assert.Null(request.ModelVersion);
        }

        Assert.True(seenGenerated);
    }

    [Fact]
    public void Distinct_AllOfTheRange_IsAPermutation()
    {
        var values = ScaleWorkload.Distinct(new Random(3), 50, 50);

        Assert.Equal(Enumerable.Range(0, 50), values.Order());
    }

    [Fact]
    public void Distinct_Uniform_EveryValueDrawnAboutEquallyOften()
    {
        var random = new Random(11);
        var counts = new int[20];
        for (var draw = 0; draw < 4_000; draw++)
        {
            foreach (var value in ScaleWorkload.Distinct(random, 20, 5))
            {
                counts[value]++;
            }
        }

        // 20,000 values over 20: 1,000 each; a biased sampler (e.g. one that favours the range's end) leaves this band.
        Assert.All(counts, c => Assert.InRange(c, 850, 1_150));
    }

    private static ScaleWorkload Workload(int candidates) =>
        new(s_users, new CatalogKeys([.. Enumerable.Range(0, 30).Select(i => $"src{i}")], 1_000), SourceItems: 30, SequenceLength: 5, candidates, K: 10, Seed: 4);
}
