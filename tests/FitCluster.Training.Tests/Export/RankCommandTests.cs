using System.CommandLine;
using FitCluster.Client.Cli;

namespace FitCluster.Training.Tests.Export;

[Collection(ExportTestGroup.Name)]
public sealed class RankCommandTests(ExportFixture fixture)
{
    [Theory]
    [InlineData("native")]
    [InlineData("onnx")]
    public void Demo_MatchesTrainerAndExitsZero(string tower)
    {
        var (exit, output, error) = Rank("--artifact", fixture.FitDirectory, "--demo", "--k", "5", "--user-tower", tower);
        Assert.True(exit == 0, $"exit {exit}: {output} {error}");
        Assert.Contains("same order as the trainer: yes", output, StringComparison.Ordinal);
    }

    [Fact]
    public void Explicit_RanksGivenCandidatesAndReportsUnknown()
    {
        var (exit, output, _) = Rank("--artifact", fixture.TwoTowerDirectory,
            "--user", "user_id=1,gender=1,age=1,occupation=1,zip_prefix=1", "--behaviours", "3,4,5", "--candidates", "7,8,9,not-an-item", "--k", "2");
        Assert.Equal(0, exit);
        Assert.Contains("scored 3 of 4 candidates", output, StringComparison.Ordinal);
        Assert.Contains("unknown candidates (not scored): not-an-item", output, StringComparison.Ordinal);
    }

    [Fact]
    public void CorruptArtifact_ExitsNonZeroWithClearMessage()
    {
        var copy = fixture.CopyOf(fixture.FitDirectory);
        var table = Path.Combine(copy, "item_table.bin");
        var bytes = File.ReadAllBytes(table);
        bytes[bytes.Length / 2] ^= 0xFF;
        File.WriteAllBytes(table, bytes);

        var (exit, _, error) = Rank("--artifact", copy, "--demo");

        Assert.Equal(2, exit);
        Assert.Contains("the model artifact cannot be used", error, StringComparison.Ordinal);
        Assert.Contains("item_table.bin: SHA-256 differs", error, StringComparison.Ordinal);
    }

    [Fact]
    public void MismatchedArtifact_ExitsNonZero()
    {
        var copy = fixture.CopyOf(fixture.FitDirectory);
        File.Copy(Path.Combine(fixture.TwoTowerDirectory, "item_table.bin"), Path.Combine(copy, "item_table.bin"), overwrite: true);

        var (exit, _, error) = Rank("--artifact", copy, "--demo");

        Assert.Equal(2, exit);
        Assert.Contains("item_table.bin", error, StringComparison.Ordinal);
    }

    private static (int Exit, string Output, string Error) Rank(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var exit = new RootCommand { RankCommand.Create() }.Parse(["rank", .. args])
            .Invoke(new InvocationConfiguration { Output = output, Error = error });
        return (exit, output.ToString(), error.ToString());
    }
}
