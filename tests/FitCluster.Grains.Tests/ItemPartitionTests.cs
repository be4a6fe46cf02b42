using System.Collections.Concurrent;
using System.Collections.Immutable;
using FitCluster.Grains.Interfaces;
using FitCluster.Model.Tests;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Runtime.Hosting;
using Orleans.Storage;
using Orleans.TestingHost;

namespace FitCluster.Grains.Tests;

/// <summary>
/// An item partition over a grain storage whose writes complete synchronously (as the file storage's can), with no shard
/// subscribed: every write is answered, one after another and concurrently (a flush that completed synchronously once
/// left the partition believing a flush was still running, and every later write waited forever).
/// </summary>
public sealed class ItemPartitionTests
{
    [Fact]
    public async Task Writes_OverSynchronousStorage_WithoutSubscribers_AreAllAnswered()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        using var root = new TempDirectory();
        TestArtifact.WriteFit(root.Combine("fit"));
        var cluster = await TestClusters.DeployAsync<SynchronousStorageSilo>(1, root.Path, new Dictionary<string, string>(), cancellationToken);
        try
        {
            var partition = cluster.GrainFactory.GetGrain<IItemPartitionGrain>(3);
            var ids = Enumerable.Range(0, 5_000).Select(i => $"p{i}").Where(id => ItemPartitionGrain.PartitionOf(id) == 3).Take(12).ToList();
            long last = 0;
            foreach (var id in ids.Take(6))
            {
                last = await partition.WriteAsync([Change(id)], cancellationToken).WaitAsync(TimeSpan.FromSeconds(10), cancellationToken);
            }

            Assert.Equal(6, last);
            var together = await Task.WhenAll(ids.Skip(6).Select(id => partition.WriteAsync([Change(id)], cancellationToken)))
                .WaitAsync(TimeSpan.FromSeconds(10), cancellationToken);
            Assert.Equal(12, together.Max());
            Assert.NotNull(await partition.GetAsync(ids[^1]));
        }
        finally
        {
            await TestClusters.StopAsync(cluster);
        }
    }

    private static CatalogItem Change(string id) => new(id, [new ItemFeatureValues("genres", ["a"])], 0, Deleted: false);

    private sealed class SynchronousStorageSilo : ISiloConfigurator
    {
        public void Configure(ISiloBuilder siloBuilder)
        {
            siloBuilder.Services.AddGrainStorage(RankingServiceCollectionExtensions.StorageName, (_, _) => new SynchronousStorage());
            siloBuilder.Services.AddRanking();
        }
    }

    // Grain storage in a dictionary whose every call completes synchronously.
    private sealed class SynchronousStorage : IGrainStorage
    {
        private readonly ConcurrentDictionary<(string, GrainId), object> _records = new();

        public Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
        {
            var found = _records.TryGetValue((stateName, grainId), out var value);
            grainState.RecordExists = found;
            grainState.State = found ? (T)value! : default!;
            grainState.ETag = found ? "1" : null;
            return Task.CompletedTask;
        }

        public Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
        {
            _records[(stateName, grainId)] = grainState.State!;
            grainState.ETag = "1";
            grainState.RecordExists = true;
            return Task.CompletedTask;
        }

        public Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
        {
            _records.TryRemove((stateName, grainId), out _);
            grainState.RecordExists = false;
            return Task.CompletedTask;
        }
    }
}
