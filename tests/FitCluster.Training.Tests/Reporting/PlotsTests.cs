using FitCluster.Training.Reporting;
using Xunit;

namespace FitCluster.Training.Tests.Reporting;

public class PlotsTests
{
    private static readonly byte[] s_pngSignature = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A];

    // Plots stay beside the test binaries (bin/, ignored by git) so a person can look at them after a run.
    private static readonly string s_folder = Path.Combine(AppContext.BaseDirectory, "plots");

    [Fact]
    public void Lines_SeveralSeries_WritesPng()
    {
        var path = Path.Combine(s_folder, "lines.png");
        double[] epochs = [1, 2, 3, 4, 5, 6, 7, 8];
        PlotSeries[] series =
        [
            new("Two-Tower", epochs, [0.801, 0.835, 0.851, 0.860, 0.865, 0.868, 0.869, 0.8695]),
            new("FIT", epochs, [0.812, 0.851, 0.872, 0.884, 0.891, 0.895, 0.897, 0.898]),
        ];

        Plots.Lines(path, "Validation AUC per epoch (ML-1M)", "Epoch", "AUC", series);

        AssertIsPng(path);
    }

    [Fact]
    public void Lines_MismatchedSeries_Throws()
    {
        PlotSeries[] series = [new("bad", [1, 2, 3], [1, 2])];

        Assert.Throws<ArgumentException>(() => Plots.Lines(Path.Combine(s_folder, "bad.png"), "t", "x", "y", series));
    }

    [Fact]
    public void BarsWithErrors_SmallAucDifferences_WritesPng()
    {
        var path = Path.Combine(s_folder, "bars.png");

        Plots.BarsWithErrors(
            path,
            "Test AUC, mean ± sd over 5 seeds",
            "AUC",
            ["Two-Tower", "DAT", "FIT"],
            [0.8695, 0.8715, 0.8735],
            [0.0006, 0.0004, 0.0005]);

        AssertIsPng(path);
    }

    [Fact]
    public void BarsWithErrors_MismatchedLengths_Throws()
    {
        Assert.Throws<ArgumentException>(
            () => Plots.BarsWithErrors(Path.Combine(s_folder, "bad.png"), "t", "y", ["a", "b"], [0.5], [0.1]));
    }

    private static void AssertIsPng(string path)
    {
        Assert.True(File.Exists(path), $"{path} was not written");
        var bytes = File.ReadAllBytes(path);
        Assert.True(bytes.AsSpan().StartsWith(s_pngSignature), "file does not start with the PNG signature");

        // A blank 900×600 PNG compresses to a few KB; axes, text and lines take well over 10 KB.
        Assert.True(bytes.Length > 10_000, $"PNG is only {bytes.Length} bytes");
    }
}
