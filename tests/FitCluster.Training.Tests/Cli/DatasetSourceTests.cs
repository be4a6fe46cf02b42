using FitCluster.Training.Cli;
using FitCluster.Training.Data;
using FitCluster.Training.Tests.Data;
using Xunit;

namespace FitCluster.Training.Tests.Cli;

public sealed class DatasetSourceTests : IDisposable
{
    private static readonly SampleBuilderOptions s_noValidation = new() { ValidationFraction = 0 };

    private readonly TempDirectory _directory = new("fitcluster-datasets");

    public DatasetSourceTests() => Directory.CreateDirectory(_directory.Path);

    public void Dispose() => _directory.Dispose();

    [Fact]
    public void Names_ListEveryDataset() =>
        Assert.Equal(["synthetic", "ml-1m", "amazon-electronics", "amazon-books", "taobao"], DatasetSource.Names);

    [Fact]
    public void Load_AmazonElectronics_BuildsDinSamplesFromTheFiles()
    {
        AmazonLoaderTests.WriteFiles(_directory.Path);
        var lines = new List<string>();

        var splits = DatasetSource.Load("amazon-electronics", _directory.Path, s_noValidation, lines.Add, Path.Combine(_directory.Path, "cache"));

        Assert.Equal("amazon-electronics", splits.Log.Name);
        Assert.Equal(4, splits.Train.Count);
        Assert.Equal(6, splits.Test.Count);
        Assert.Contains(lines, l => l.StartsWith("amazon-electronics: 3 users, 8 reviews", StringComparison.Ordinal));
    }

    [Fact]
    public void Load_LoaderProgress_ArrivesInOrderBeforeLoadReturns()
    {
        AmazonLoaderTests.WriteFiles(_directory.Path);
        var lines = new List<string>();

        DatasetSource.Load("amazon-electronics", _directory.Path, s_noValidation, lines.Add, Path.Combine(_directory.Path, "cache"));
        var snapshot = lines.ToArray();
        Thread.Sleep(50); // a report posted to the thread pool would land here

        Assert.Equal(snapshot, lines);
        Assert.True(snapshot.Length > 2, string.Join(" | ", snapshot)); // the loader's own lines came through
        Assert.StartsWith("amazon-electronics: 3 users", snapshot[^2], StringComparison.Ordinal);
        Assert.StartsWith("samples:", snapshot[^1], StringComparison.Ordinal);
    }

    [Fact]
    public void Load_Taobao_SplitsPageViewsByDay()
    {
        TaobaoTests.WriteFiles(_directory.Path);

        var splits = DatasetSource.Load("taobao", _directory.Path, s_noValidation, _ => { });

        Assert.Equal("taobao", splits.Log.Name);
        Assert.Equal(10, splits.Train.Count);
        Assert.Equal(2, splits.Test.Count);
    }

    [Fact]
    public void Load_WithoutDataOrUnknownName_Explains()
    {
        var noData = Assert.Throws<ArgumentException>(() => DatasetSource.Load("amazon-books", null, s_noValidation, _ => { }));
        Assert.Contains("reviews_Books_5.json", noData.Message, StringComparison.Ordinal);
        Assert.Throws<DirectoryNotFoundException>(() => DatasetSource.Load("taobao", Path.Combine(_directory.Path, "nope"), s_noValidation, _ => { }));
        Assert.Throws<FileNotFoundException>(() => DatasetSource.Load("taobao", _directory.Path, s_noValidation, _ => { }));
        var unknown = Assert.Throws<ArgumentException>(() => DatasetSource.Load("amazon-toys", _directory.Path, s_noValidation, _ => { }));
        Assert.Contains("taobao", unknown.Message, StringComparison.Ordinal);
    }
}
