using System.CommandLine;
using FitCluster.Training.Cli;

namespace FitCluster.Training.Tests.Cli;

/// <summary>Each bench experiment on a tiny synthetic slice: writes its table, CSV and plot, and a second run trains nothing.</summary>
public sealed class BenchExperimentsTests : IDisposable
{
    private static readonly string[] s_tiny = ["--dataset", "synthetic", "--max-users", "60", "--epochs", "1", "--batch-size", "256"];
    private readonly TempDirectory _temp = new("fit-bench-exp");

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void Table1_TinySlice_WritesTableAndResumesThenMapsFitEmbeddings()
    {
        var output = Path.Combine(_temp.Path, "table1");
        var (exit, error) = Bench("table1", "--models", "two-tower,fit", "--repeats", "2", "--out", output);
        Assert.True(exit == 0, error);
        AssertOutputs(output, "summary.md", "summary.csv", "auc.png", "logloss.png");
        var summary = File.ReadAllText(Path.Combine(output, "summary.md"));
        Assert.Contains("RelaImpr vs two-tower", summary, StringComparison.Ordinal);
        Assert.Contains("Two-sided Welch t-test, fit against the best other model (two-tower)", summary, StringComparison.Ordinal);
        AssertResumes(output, "table1", "--models", "two-tower,fit", "--repeats", "2", "--out", output);

        var map = Path.Combine(_temp.Path, "tsne");
        (exit, error) = Bench("tsne", "--checkpoint", Path.Combine(output, "runs", "fit-s1"), "--out", map, "--max-items", "80", "--iterations", "250", "--perplexity", "10");
        Assert.True(exit == 0, error);
        AssertOutputs(map, "summary.md", "tsne.csv", "tsne.png");
        var points = TsneCommand.ReadMap(Path.Combine(map, TsneCommand.MapFile));
        Assert.Equal(80, points.Count(p => !p.IsMeta));
        Assert.Equal(64, points.Count(p => p.IsMeta)); // default meta size N
    }

    [Fact]
    public void Table1_RunHeldByAnotherProcess_SkippedAndListedUnfinished_TheOthersTrained()
    {
        // The same command started twice shares the runs: a run another process holds is left to it.
        var output = Path.Combine(_temp.Path, "shared");
        using var other = RunClaim.TryTake(Path.Combine(output, "runs", "two-tower-s1"), out _)!; // its own open file: a second holder

        var (exit, error) = Bench("table1", "--models", "two-tower,fit", "--repeats", "1", "--out", output);

        Assert.True(exit == 0, error);
        Assert.False(File.Exists(Path.Combine(output, "runs", "two-tower-s1", "metrics.json")));
        Assert.True(File.Exists(Path.Combine(output, "runs", "fit-s1", "metrics.json")));
        Assert.False(File.Exists(RunClaim.PathOf(Path.Combine(output, "runs", "fit-s1")))); // finished: claim removed
        Assert.Contains("Unfinished: two-tower (0/1).", File.ReadAllText(Path.Combine(output, "summary.md")), StringComparison.Ordinal);
    }

    [Fact]
    public void Table1_UnknownModel_FailsBeforeTraining()
    {
        var output = Path.Combine(_temp.Path, "unknown");
        var (exit, error) = Bench("table1", "--models", "two-tower,no-such-model,fit", "--out", output);
        Assert.NotEqual(0, exit);
        Assert.Contains("Unknown model 'no-such-model': nothing was trained", error, StringComparison.Ordinal);
        Assert.False(Directory.Exists(output));
    }

    [Fact]
    public void Ablation_TinySlice_WritesTableAndResumes()
    {
        var output = Path.Combine(_temp.Path, "ablation");
        string[] args = ["ablation", "--models", "fit,fit-no-self-attention", "--out", output];
        var (exit, error) = Bench(args);
        Assert.True(exit == 0, error);
        AssertOutputs(output, "summary.md", "summary.csv", "auc.png");
        Assert.Contains("RelaImpr vs fit", File.ReadAllText(Path.Combine(output, "summary.md")), StringComparison.Ordinal);
        AssertResumes(output, args);
    }

    [Fact]
    public void Sweep_MetaSize_WritesAucAndLatencyAndResumes()
    {
        var output = Path.Combine(_temp.Path, "sweep");
        string[] args = ["sweep", "--param", "meta-size", "--values", "2,4", "--latency-requests", "5", "--out", output];
        var (exit, error) = Bench(args);
        Assert.True(exit == 0, error);
        AssertOutputs(output, "summary.md", "summary.csv", "sweep.png");
        var csv = File.ReadAllLines(Path.Combine(output, "summary.csv"));
        Assert.Equal(3, csv.Length); // header + one row per value
        Assert.All(csv.Skip(1), row => Assert.False(string.IsNullOrEmpty(row.Split(',')[8]), $"no latency in '{row}'"));
        Assert.True(File.Exists(Path.Combine(output, "runs", "fit-meta-size-4-s1", "artifact", "manifest.json")));
        AssertResumes(output, args);
    }

    [Fact]
    public void Curves_TinySlice_WritesAucAndQsPerStepAndResumes()
    {
        var output = Path.Combine(_temp.Path, "curves");
        string[] args = ["curves", "--models", "fit,fit-hard-query", "--curve-every", "5", "--curve-samples", "300", "--out", output];
        var (exit, error) = Bench(args);
        Assert.True(exit == 0, error);
        AssertOutputs(output, "summary.md", "curves.csv", "curves-auc.png", "curves-qs.png");
        var curve = CurvesCommand.ReadCurve(Path.Combine(output, "runs", "fit-s1", CurvesCommand.CurveFile));
        Assert.NotEmpty(curve);
        Assert.All(curve, p => Assert.InRange(p.ValidationAuc, 0.0, 1.0));
        Assert.All(curve, p => Assert.NotNull(p.QuerySimilarity));
        Assert.Equal(5, curve[0].Step);
        AssertResumes(output, args);
    }

    [Theory]
    [InlineData("--param", "dropout", "--values", "1", "--param must be one of meta-size, heads; got 'dropout'")]
    [InlineData("--param", "heads", "--values", "1,two", "--values: 'two' is not an integer")]
    [InlineData("--param", "heads", "--values", "0,2", "--values: 0 is below the minimum of 1")]
    [InlineData("--param", "heads", "--values", "2,2", "--values: 2 appears twice")]
    [InlineData("--param", "meta-size", "--values", ",", "--values needs a comma-separated list of integers")]
    [InlineData("--param", "meta-size", "--values", "70000", "exceeds 65535")]
    public void Sweep_BadArguments_FailClearly(string paramOption, string param, string valuesOption, string values, string message)
    {
        var output = Path.Combine(_temp.Path, "bad-sweep");
        var (exit, error) = Bench("sweep", paramOption, param, valuesOption, values, "--out", output);
        Assert.NotEqual(0, exit);
        Assert.Contains(message, error, StringComparison.Ordinal);
        Assert.False(Directory.Exists(output));
    }

    private static void AssertOutputs(string directory, params string[] files)
    {
        foreach (var file in files)
        {
            Assert.True(new FileInfo(Path.Combine(directory, file)).Length > 0, $"{file} missing or empty in {directory}");
        }
    }

    // A second invocation must train nothing: every run's metrics.json stays untouched.
    private static void AssertResumes(string output, params string[] args)
    {
        var metrics = Directory.GetFiles(Path.Combine(output, "runs"), "metrics.json", SearchOption.AllDirectories);
        Assert.NotEmpty(metrics);
        var before = metrics.ToDictionary(m => m, File.GetLastWriteTimeUtc);
        var (exit, error) = Bench(args);
        Assert.True(exit == 0, error);
        Assert.All(metrics, m => Assert.Equal(before[m], File.GetLastWriteTimeUtc(m)));
        Assert.Equal(metrics.Length, Directory.GetFiles(Path.Combine(output, "runs"), "metrics.json", SearchOption.AllDirectories).Length);
    }

    private static (int Exit, string Error) Bench(params string[] args)
    {
        var error = new StringWriter();
        var all = args[0] == "tsne" ? args : [.. args, .. s_tiny];
        var exit = new RootCommand { BenchCommand.Create() }.Parse(["bench", .. all]).Invoke(new InvocationConfiguration { Error = error });
        return (exit, error.ToString());
    }
}
