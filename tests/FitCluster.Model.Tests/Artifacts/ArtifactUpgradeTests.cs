using FitCluster.Model.Artifacts;
using FitCluster.Model.Ranking;

namespace FitCluster.Model.Tests.Artifacts;

public sealed class ArtifactUpgradeTests
{
    [Fact]
    public void Load_Format1_RefusedNamingTheUpgradeCommand()
    {
        using var temp = new TempDirectory();
        TestArtifact.WriteFitFormat1(temp.Path);

        var error = Assert.Throws<ArtifactException>(() => ModelArtifact.Load(temp.Path));

        Assert.Contains("format version 1", error.Message, StringComparison.Ordinal);
        Assert.Contains("./fit upgrade DIR", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Convert_Format1_RanksAsTheOriginalAndVerifiesGolden(bool half)
    {
        using var temp = new TempDirectory();
        TestArtifact.WriteFit(temp.Combine("original"), half: half);
        TestArtifact.WriteFitFormat1(temp.Combine("old"), half: half);

        var (manifest, worst) = ArtifactUpgrade.Convert(temp.Combine("old"), temp.Combine("new"));

        Assert.Equal(ModelManifest.CurrentFormatVersion, manifest.FormatVersion);
        Assert.InRange(worst, 0, manifest.Golden.Tolerance);
        using var original = Ranker.Load(temp.Combine("original"));
        using var upgraded = new Ranker(ModelArtifact.Load(temp.Combine("new")), shardCount: 2);
        var ids = Enumerable.Range(0, TestArtifact.ItemCount).Select(TestArtifact.ItemKey).ToArray();
        var expected = original.Rank(new RankQuery(TestArtifact.User(1), ["m4", "m30"], ids, 15));
        var actual = upgraded.Rank(new RankQuery(TestArtifact.User(1), ["m4", "m30"], ids, 15));
        Assert.Equal(expected.Items, actual.Items);
        var rows = upgraded.Shards.SelectMany(s => Enumerable.Range(0, s.Count).Select(r => (Id: s.IdOf(r), Index: s.ItemIndexOf(r))));
        Assert.Equal(ids.Select((id, i) => (id, i + 1)).Order(), rows.Order()); // id m<i+1> keeps item index i + 1
    }

    [Fact]
    public void Convert_CorruptOrAlreadyUpgraded_Throws()
    {
        using var temp = new TempDirectory();
        TestArtifact.WriteFitFormat1(temp.Combine("old"));
        var weights = temp.Combine("old", "weights.bin");
        var bytes = File.ReadAllBytes(weights);
        bytes[^1] ^= 1;
        File.WriteAllBytes(weights, bytes);
        Assert.Contains("SHA-256", Assert.Throws<ArtifactException>(() => ArtifactUpgrade.Convert(temp.Combine("old"), temp.Combine("a"))).Message, StringComparison.Ordinal);
        Assert.False(Directory.Exists(temp.Combine("a")));

        TestArtifact.WriteFit(temp.Combine("current"));
        Assert.Contains("only version 1", Assert.Throws<ArtifactException>(() => ArtifactUpgrade.Convert(temp.Combine("current"), temp.Combine("b"))).Message, StringComparison.Ordinal);
    }
}
