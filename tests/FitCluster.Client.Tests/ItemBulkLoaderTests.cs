using System.Collections.Immutable;
using FitCluster.Client.Cli;
using FitCluster.Client.Gateway;
using FitCluster.Client.Tests.Infrastructure;
using FitCluster.Grains.Interfaces;

namespace FitCluster.Client.Tests;

/// <summary><c>./fit items upsert</c>'s loader against a real door (fake grains): batching, retries, refusals mapped to line numbers.</summary>
public sealed class ItemBulkLoaderTests
{
    [Fact]
    public async Task Load_BatchesLines_RetriesA503_MapsRefusalsToLines_ReportsMalformedLines()
    {
        await using var host = await ApiHost.StartAsync(new Dictionary<string, string?> { [AdminOptions.EnvironmentVariable] = ApiHost.Token });
        var calls = 0;
        host.Grains.ItemWrite = (sent, _) =>
        {
            var items = (ImmutableArray<ItemWrite>)sent;
            return Interlocked.Increment(ref calls) == 1
                ? Task.FromResult(new ItemWriteResult(0, [.. items.Select(i => new UserInputError($"items[{i.Index}]", "not_stored", "storage down"))], []))
                : Task.FromResult(items.Any(i => i.Id == "refused")
                    ? new ItemWriteResult(items.Length - 1, [new UserInputError($"items[{items.Single(i => i.Id == "refused").Index}].features.colour", "unknown_feature", "no colour")], [])
                    : new ItemWriteResult(items.Length, [], []));
        };
        const string Lines = """
            {"id": "a", "features": {"genres": "x"}}
            {"id": "b"}

            not json at all
            {"id": "c"}
            {"id": "refused", "features": {"colour": "red"}}
            ["an", "array"]
            {"id": "d"}
            """;
        using var progress = new StringWriter();
        var loader = new ItemBulkLoader(host.Http, ApiHost.Token, progress) { BatchSize = 2, Concurrency = 1, FirstPause = TimeSpan.FromMilliseconds(10) };

        var report = await loader.LoadAsync(new StringReader(Lines), TestContext.Current.CancellationToken);

        Assert.Equal(4, report.Applied); // a, b, c, d (a and b after the retry)
        Assert.Equal(0, report.NotStored);
        Assert.Equal([(4, "malformed_line"), (6, "unknown_feature"), (7, "malformed_line")], report.Refused.Select(r => (r.Line, r.Code)));
        Assert.Equal(4, calls); // the first batch twice, then (c, refused) and (d)
        var sent = host.Grains.ItemWrites.Cast<ImmutableArray<ItemWrite>>().Select(b => string.Join(",", b.Select(i => i.Id))).ToList();
        Assert.Equal(["a,b", "a,b", "c,refused", "d"], sent);
        Assert.Contains("items: 4 stored", progress.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Load_EveryTryFails_ItemsCountedNotStored_AndAWrongTokenStopsTheLoad()
    {
        await using var host = await ApiHost.StartAsync(new Dictionary<string, string?> { [AdminOptions.EnvironmentVariable] = ApiHost.Token });
        host.Grains.ItemWrite = (sent, _) => Task.FromResult(new ItemWriteResult(0,
            [.. ((ImmutableArray<ItemWrite>)sent).Select(i => new UserInputError($"items[{i.Index}]", "not_stored", "storage down"))], []));
        using var progress = new StringWriter();
        var loader = new ItemBulkLoader(host.Http, ApiHost.Token, progress) { BatchSize = 5, Attempts = 3, FirstPause = TimeSpan.FromMilliseconds(5) };

        var report = await loader.LoadAsync(new StringReader("{\"id\": \"a\"}\n{\"id\": \"b\"}\n"), TestContext.Current.CancellationToken);

        Assert.Equal((0L, 2L), (report.Applied, report.NotStored));
        Assert.Equal(3, host.Grains.ItemWrites.Count);
        var wrong = new ItemBulkLoader(host.Http, "not-the-admin-token-0000000000", progress);
        await Assert.ThrowsAsync<BulkLoadAbortedException>(() => wrong.LoadAsync(new StringReader("{\"id\": \"a\"}\n"), TestContext.Current.CancellationToken));
    }
}
