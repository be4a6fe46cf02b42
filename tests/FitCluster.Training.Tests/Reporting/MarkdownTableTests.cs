using FitCluster.Training.Reporting;
using Xunit;

namespace FitCluster.Training.Tests.Reporting;

public class MarkdownTableTests
{
    [Fact]
    public void Render_Rows_AlignsColumns()
    {
        string[] header = ["Model", "AUC", "RelaImpr"];
        IReadOnlyList<string>[] rows =
        [
            ["Two-Tower", "0.8695", "0.00%"],
            ["DAT", "0.8784", "2.41%"],
        ];

        var table = MarkdownTable.Render(header, rows);

        Assert.Equal(
            "| Model     | AUC    | RelaImpr |\n" +
            "| --------- | ------ | -------- |\n" +
            "| Two-Tower | 0.8695 | 0.00%    |\n" +
            "| DAT       | 0.8784 | 2.41%    |\n",
            table);
    }

    [Fact]
    public void Render_PipeNewlineAndShortRow_EscapesAndPads()
    {
        string[] header = ["a", "b"];
        IReadOnlyList<string>[] rows = [["x|y", "two\nlines"], ["z"]];

        var table = MarkdownTable.Render(header, rows);

        Assert.Equal(
            "| a    | b         |\n" +
            "| ---- | --------- |\n" +
            "| x\\|y | two lines |\n" +
            "| z    |           |\n",
            table);
    }

    [Fact]
    public void Render_RowLongerThanHeader_Throws()
    {
        Assert.Throws<ArgumentException>(() => MarkdownTable.Render(["a"], [["1", "2"]]));
    }

    [Fact]
    public void Render_EmptyHeader_Throws()
    {
        Assert.Throws<ArgumentException>(() => MarkdownTable.Render([], []));
    }

    [Fact]
    public void ToCsv_SpecialCharacters_QuotesPerRfc4180()
    {
        string[] header = ["model", "note"];
        IReadOnlyList<string>[] rows =
        [
            ["FIT", "plain"],
            ["a,b", "say \"hi\""],
            ["multi\nline", ""],
            ["short"],
        ];

        var csv = MarkdownTable.ToCsv(header, rows);

        Assert.Equal(
            "model,note\r\n" +
            "FIT,plain\r\n" +
            "\"a,b\",\"say \"\"hi\"\"\"\r\n" +
            "\"multi\nline\",\r\n" +
            "short,\r\n",
            csv);
    }
}
