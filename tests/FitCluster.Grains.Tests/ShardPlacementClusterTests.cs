using System.Collections.Immutable;
using System.Threading.Channels;
using FitCluster.Grains.Interfaces;
using FitCluster.Grains.Placement;
using FitCluster.Model.Ranking;
using FitCluster.Model.Tests;
using Microsoft.Extensions.DependencyInjection;
using Orleans.TestingHost;

namespace FitCluster.Grains.Tests;

/// <summary>
/// Item shards in a three-silo test cluster: spread evenly; when a silo leaves, its shards are served by the others and
/// ranking answers exactly as before (nothing lost); when a silo joins, it takes its share.
/// </summary>
public sealed class ShardPlacementClusterTests
{
    private const int ShardCount = 12;
    private static readonly string[] s_versions = ["fit-test-1", "two-tower-test-1"];
    private static readonly TimeSpan s_settleTimeout = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan s_backstop = TimeSpan.FromMilliseconds(500);

    [Fact]
    public async Task Shards_SpreadEvenly_ServedElsewhereWhenASiloLeaves_RebalancedWhenOneJoins()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        using var root = new TempDirectory();
        TestArtifact.WriteFit(root.Combine("fit"), seed: 11);
        TestArtifact.WriteTwoTower(root.Combine("two-tower"), seed: 12);
        var builder = new TestClusterBuilder(3);
        builder.Properties["Ranking:ArtifactRoot"] = root.Path;
        builder.Properties["Ranking:ShardCount"] = ShardCount.ToString(System.Globalization.CultureInfo.InvariantCulture);
        builder.Properties["Ranking:ShardJoinGrace"] = "00:00:02";
        builder.Properties["Ranking:DefaultModelVersion"] = "fit-test-1";
        builder.AddSiloBuilderConfigurator<SiloConfigurator>();
        var cluster = builder.Build();
        await cluster.DeployAsync(cancellationToken);
        try
        {
            // Every shard of both versions activates (as the catalog's warm-up does), on the silo the director picks.
            foreach (var version in s_versions)
            {
                await ShardWarmup.WarmAsync(cluster.GrainFactory, version, ShardCount, cancellationToken);
            }

            var silos = cluster.Silos.Select(s => s.SiloAddress).ToArray();
            var layout = await SettledLayoutAsync(cluster, silos, "at start (once every silo is past its join grace)");
            foreach (var version in s_versions)
            {
                // 12 shards over 3 silos: 4 on each, and where the pure assignment puts them.
                var perSilo = silos.Select(silo => Enumerable.Range(0, ShardCount).Count(s => layout[(version, s)] == silo)).ToArray();
                Assert.Equal([4, 4, 4], perSilo);
                Assert.Equal(Planned(silos, version), Enumerable.Range(0, ShardCount).Select(s => layout[(version, s)]));
            }

            var before = await RankAllAsync(cluster, cancellationToken);
            foreach (var version in s_versions)
            {
                AssertEqualsInProcess(root, version, before[version]); // the cluster answer is right to begin with
            }

            // A silo leaves (graceful stop): once the others see it gone, the very next requests are served in full, with
            // exactly the answers of before; its shards now live on the two silos left, 6 and 6.
            var leaver = cluster.SecondarySilos[0];
            var remaining = cluster.Silos.Where(s => s != leaver).ToArray();
            using (var leaving = new CancellationTokenSource(s_settleTimeout))
            {
                var seen = remaining.Select(s => SeenDeadAsync(s, leaver.SiloAddress, leaving.Token)).ToArray();
                await cluster.StopSiloAsync(leaver, cancellationToken);
                await WaitAsync(Task.WhenAll(seen), $"the silos left to see {leaver.SiloAddress} leave");
            }

            var afterLeave = await RankAllAsync(cluster, cancellationToken);
            foreach (var version in s_versions)
            {
                AssertSameAnswer(before[version], afterLeave[version]);
            }

            var survivors = remaining.Select(s => s.SiloAddress).ToArray();
            layout = await SettledLayoutAsync(cluster, survivors, "after a silo left");
            foreach (var version in s_versions)
            {
                Assert.All(Enumerable.Range(0, ShardCount), s => Assert.Contains(layout[(version, s)], survivors));
                Assert.Equal([6, 6], survivors.Select(silo => Enumerable.Range(0, ShardCount).Count(s => layout[(version, s)] == silo)));
            }

            // A silo joins: the rebalancer migrates to it the shards the director now gives it; nothing is lost on the way.
            var joiner = await cluster.StartAdditionalSiloAsync();
            var grown = cluster.Silos.Select(s => s.SiloAddress).ToArray();
            layout = await SettledLayoutAsync(cluster, grown, "after a silo joined");
            foreach (var version in s_versions)
            {
                Assert.Equal(4, Enumerable.Range(0, ShardCount).Count(s => layout[(version, s)] == joiner.SiloAddress));
            }

            var afterJoin = await RankAllAsync(cluster, cancellationToken);
            foreach (var version in s_versions)
            {
                AssertSameAnswer(before[version], afterJoin[version]);
            }
        }
        finally
        {
            await cluster.StopAllSilosAsync(cancellationToken);
            await cluster.DisposeAsync();
        }
    }

    // Waits until every shard of both versions has exactly one activation, placed as the pure assignment over silos
    // says. Wakes on each shard activation or deactivation on any silo; a short backstop covers a change the management
    // grain reports a moment after its event.
    private static async Task<Dictionary<(string Version, int Shard), SiloAddress>> SettledLayoutAsync(
        TestCluster cluster, SiloAddress[] silos, string phase)
    {
        using var timeout = new CancellationTokenSource(s_settleTimeout);
        var signals = cluster.Silos.Select(SignalOf).ToArray();
        Dictionary<(string, int), SiloAddress>? layout = null;
        while (true)
        {
            foreach (var signal in signals)
            {
                signal.Drain();
            }

            try
            {
                layout = await LayoutAsync(cluster);
                if (s_versions.All(v => Enumerable.Range(0, ShardCount).Select(s => layout[(v, s)]).SequenceEqual(Planned(silos, v))))
                {
                    return layout;
                }
            }
            catch (KeyNotFoundException)
            {
                // a shard between two silos (migrating): not settled yet
            }

            try
            {
                using var woken = CancellationTokenSource.CreateLinkedTokenSource(timeout.Token);
                woken.CancelAfter(s_backstop);
                await Task.WhenAny(signals.Select(s => s.WaitAsync(woken.Token)));
                timeout.Token.ThrowIfCancellationRequested();
            }
            catch (OperationCanceledException)
            {
                Assert.Fail($"Item shards did not settle {phase} within {s_settleTimeout.TotalSeconds} s: expected the assignment over " +
                    $"{string.Join(", ", silos.Select(s => s.ToString()))}, last seen {Describe(layout)}.");
            }
        }
    }

    // Where each shard of each version is active, by the management grain (Orleans' own view); a shard with more than
    // one activation (mid-migration) is reported by throwing KeyNotFoundException for it.
    private static async Task<Dictionary<(string Version, int Shard), SiloAddress>> LayoutAsync(TestCluster cluster)
    {
        var statistics = await cluster.GrainFactory.GetGrain<IManagementGrain>(0).GetDetailedGrainStatistics();
        var layout = new Dictionary<(string, int), SiloAddress>();
        var twice = new HashSet<(string, int)>();
        foreach (var statistic in statistics)
        {
            if (!statistic.GrainType.Contains("ItemShard", StringComparison.OrdinalIgnoreCase)
                || !statistic.GrainId.TryGetIntegerKey(out var shard, out var version) || version is null)
            {
                continue;
            }

            if (!layout.TryAdd((version, (int)shard), statistic.SiloAddress))
            {
                twice.Add((version, (int)shard));
            }
        }

        foreach (var key in twice)
        {
            layout.Remove(key);
        }

        return layout;
    }

    private static SiloAddress[] Planned(SiloAddress[] silos, string version)
    {
        var names = silos.Select(s => s.ToParsableString()).ToArray();
        return [.. ShardAssignment.Assign(names, version, ShardCount).Select(i => silos[i])];
    }

    private static async Task<Dictionary<string, RankResponse>> RankAllAsync(TestCluster cluster, CancellationToken cancellationToken)
    {
        var ranking = cluster.GrainFactory.GetGrain<IRankingGrain>("rank");
        var answers = new Dictionary<string, RankResponse>();
        foreach (var version in s_versions)
        {
            var response = await ranking.RankAsync(Request(version), cancellationToken);
            Assert.Null(response.Error);
            Assert.Equal(1.0, response.Coverage); // every candidate's shard answered
            answers[version] = response;
        }

        return answers;
    }

    private static RankRequest Request(string version) => new(
        TestArtifact.User(3).ToImmutableDictionary(), ["m4", "m17", "m2"],
        [.. Enumerable.Range(0, TestArtifact.ItemCount).Select(TestArtifact.ItemKey)], 15, version);

    private static void AssertEqualsInProcess(TempDirectory root, string version, RankResponse response)
    {
        using var ranker = Ranker.Load(root.Combine(version.StartsWith("fit", StringComparison.Ordinal) ? "fit" : "two-tower"));
        var request = Request(version);
        var expected = ranker.Rank(new RankQuery(request.UserFeatures, [.. request.Behaviours], request.Candidates, request.K));
        Assert.Equal(expected.Items.Select(i => i.ItemKey), response.Items.Select(i => i.ItemId));
    }

    private static void AssertSameAnswer(RankResponse expected, RankResponse actual)
    {
        Assert.Equal(expected.ModelVersion, actual.ModelVersion);
        Assert.Equal(expected.Items.Select(i => i.ItemId), actual.Items.Select(i => i.ItemId));
        Assert.Equal(expected.Items.Select(i => i.Score), actual.Items.Select(i => i.Score)); // bit for bit: same rows, same kernels
    }

    private static async Task SeenDeadAsync(SiloHandle observer, SiloAddress leaver, CancellationToken cancellationToken)
    {
        var membership = ((InProcessSiloHandle)observer).ServiceProvider.GetRequiredService<IClusterMembershipService>();
        await foreach (var snapshot in membership.MembershipUpdates.WithCancellation(cancellationToken))
        {
            if (snapshot.GetSiloStatus(leaver) == SiloStatus.Dead)
            {
                return;
            }
        }
    }

    private static async Task WaitAsync(Task task, string phase)
    {
        try
        {
            await task;
        }
        catch (OperationCanceledException)
        {
            Assert.Fail($"Timed out after {s_settleTimeout.TotalSeconds} s waiting for {phase}.");
        }
    }

    private static ShardActivationSignal SignalOf(SiloHandle silo) =>
        ((InProcessSiloHandle)silo).ServiceProvider.GetRequiredService<ShardActivationSignal>();

    private static string Describe(Dictionary<(string Version, int Shard), SiloAddress>? layout) => layout is null
        ? "nothing"
        : string.Join("; ", layout.OrderBy(p => p.Key.Version, StringComparer.Ordinal).ThenBy(p => p.Key.Shard).Select(p => $"{p.Key.Version}/{p.Key.Shard}@{p.Value}"));

    private sealed class SiloConfigurator : ISiloConfigurator
    {
        public void Configure(ISiloBuilder siloBuilder)
        {
            siloBuilder.AddMemoryGrainStorage(RankingServiceCollectionExtensions.StorageName);
            siloBuilder.Services.AddRanking();
            siloBuilder.Services.AddSingleton<ShardActivationSignal>();
            siloBuilder.Services.AddSingleton<IActivationWorkingSetObserver>(p => p.GetRequiredService<ShardActivationSignal>());
        }
    }

    // Signals every item-shard activation and deactivation on one silo, so that a wait for a layout wakes when it may have changed.
    private sealed class ShardActivationSignal : IActivationWorkingSetObserver
    {
        private readonly Channel<bool> _events = Channel.CreateUnbounded<bool>();

        public void OnAdded(IActivationWorkingSetMember member) => Signal(member);

        public void OnDeactivated(IActivationWorkingSetMember member) => Signal(member);

        public void Drain()
        {
            while (_events.Reader.TryRead(out _))
            {
            }
        }

        // Waits for an event without taking it (a waiter abandoned by WhenAny must not swallow a later one).
        public async Task WaitAsync(CancellationToken cancellationToken) => await _events.Reader.WaitToReadAsync(cancellationToken);

        private void Signal(IActivationWorkingSetMember member)
        {
            if (member is IGrainContext { GrainInstance: ItemShardGrain })
            {
                _events.Writer.TryWrite(true);
            }
        }
    }
}
