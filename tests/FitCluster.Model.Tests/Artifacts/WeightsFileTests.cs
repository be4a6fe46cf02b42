using FitCluster.Model.Artifacts;
using FitCluster.Model.Numerics;

namespace FitCluster.Model.Tests.Artifacts;

public sealed class WeightsFileTests
{
    [Fact]
    public void Read_GivesEveryTensorBackExactly_LargeOnesIncluded()
    {
        using var temp = new TempDirectory();
        var path = temp.Combine("weights.bin");
        var random = new Random(3);
        var large = new float[(HugePages.MinimumBytes / sizeof(float)) + 11]; // read into a huge-page array
        for (var i = 0; i < large.Length; i++)
        {
            large[i] = (float)(random.NextDouble() - 0.5) * (i % 7);
        }

        NamedTensor[] written =
        [
            new("a", [2, 3], [1f, -2f, 3.5f, 4f, float.MaxValue, float.Epsilon]), // finite extremes are values, not errors
            new("big", [large.Length], large),
            new("c", [1], [-0f]),
        ];
        var entries = WeightsFile.Write(path, written);

        var read = WeightsFile.Read(path, entries);

        Assert.Equal(written.Length, read.Count);
        foreach (var tensor in written)
        {
            Assert.Equal(tensor.Shape, read[tensor.Name].Shape);
            Assert.Equal(tensor.Values, read[tensor.Name].Values);
        }
    }

    [Theory]
    [InlineData(float.NaN)]
    [InlineData(float.PositiveInfinity)]
    [InlineData(float.NegativeInfinity)]
    public void Read_NonFiniteValue_RefusedNamingTheTensor(float bad)
    {
        using var temp = new TempDirectory();
        var path = temp.Combine("weights.bin");
        var entries = WeightsFile.Write(path, [new("fine", [2], [1f, 2f]), new("broken", [3], [1f, bad, 2f])]);

        var error = Assert.Throws<ArtifactException>(() => WeightsFile.Read(path, entries));

        Assert.Contains("'broken'", error.Message, StringComparison.Ordinal);
        Assert.Contains("non-finite", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_EntriesOutsideTheFileOrRepeated_Refused()
    {
        using var temp = new TempDirectory();
        var path = temp.Combine("weights.bin");
        var entries = WeightsFile.Write(path, [new("x", [4], [1f, 2f, 3f, 4f])]);
        var x = entries[0];

        var beyond = Assert.Throws<ArtifactException>(() => WeightsFile.Read(path, [x with { Shape = [5] }]));
        Assert.Contains("lies outside", beyond.Message, StringComparison.Ordinal);
        Assert.Throws<ArtifactException>(() => WeightsFile.Read(path, [x with { Offset = -4 }]));
        Assert.Throws<ArtifactException>(() => WeightsFile.Read(path, [x with { Offset = x.Offset + 2 }]));
        Assert.Throws<ArtifactException>(() => WeightsFile.Read(path, [x with { Shape = [0] }]));
        var twice = Assert.Throws<ArtifactException>(() => WeightsFile.Read(path, [x, x]));
        Assert.Contains("listed twice", twice.Message, StringComparison.Ordinal);

        using (var file = new FileStream(path, FileMode.Open))
        {
            file.SetLength(file.Length - 1); // truncated after the manifest was written
        }

        Assert.Throws<ArtifactException>(() => WeightsFile.Read(path, entries));
    }
}
