using FitCluster.Training.Data;
using Xunit;

namespace FitCluster.Training.Tests.Data;

public sealed class PythonLiteralTests
{
    [Fact]
    public void Parse_AmazonMetadataDict_ReadsEveryValueKind()
    {
        const string line =
            "{'asin': '0000031852', 'title': \"Girls' Ballet Tutu\", 'price': 3.17, 'rank': -12, 'big': 123456789012345678901, " +
            "'related': {'also_bought': ['B00JHONN1S', 'B002BZX8Z6'], 'bought_together': ('B0001', )}, " +
            "'categories': [['Books', 'Fiction'], []], 'inStock': True, 'gift': False, 'brand': None, 3: 'int key'}";

        var dict = Assert.IsType<Dictionary<string, object?>>(PythonLiteral.Parse(line));

        Assert.Equal("0000031852", dict["asin"]);
        Assert.Equal("Girls' Ballet Tutu", dict["title"]);
        Assert.Equal(3.17, dict["price"]);
        Assert.Equal(-12L, dict["rank"]);
        Assert.Equal(123456789012345678901.0, dict["big"]);
        var related = Assert.IsType<Dictionary<string, object?>>(dict["related"]);
        Assert.Equal(["B00JHONN1S", "B002BZX8Z6"], Assert.IsType<List<object?>>(related["also_bought"]));
        Assert.Equal(["B0001"], Assert.IsType<List<object?>>(related["bought_together"]));
        var categories = Assert.IsType<List<object?>>(dict["categories"]);
        Assert.Equal(["Books", "Fiction"], Assert.IsType<List<object?>>(categories[0]));
        Assert.Empty(Assert.IsType<List<object?>>(categories[1]));
        Assert.Equal(true, dict["inStock"]);
        Assert.Equal(false, dict["gift"]);
        Assert.Null(dict["brand"]);
        Assert.Equal("int key", dict["3"]);
    }

    [Theory]
    [InlineData(@"'It\'s'", "It's")]
    [InlineData(@"""say \""hi\""""", "say \"hi\"")]
    [InlineData(@"'a\\b'", @"a\b")]
    [InlineData(@"'line\nnext\ttab\r'", "line\nnext\ttab\r")]
    [InlineData(@"'caf\xe9'", "café")]
    [InlineData(@"'\u00e9t\u00e9'", "été")]
    [InlineData(@"'\U0001F600'", "\U0001F600")]
    [InlineData(@"'\101\0'", "A\0")]
    [InlineData(@"'keep \d'", @"keep \d")]
    [InlineData("'unicode \u00e9 kept'", "unicode \u00e9 kept")]
    public void Parse_StringEscapes_AreDecodedAsPythonDoes(string literal, string expected) =>
        Assert.Equal(expected, PythonLiteral.Parse(literal));

    [Theory]
    [InlineData("{'asin': '1'")]
    [InlineData("{'asin' '1'}")]
    [InlineData("{'asin': 'unterminated}")]
    [InlineData("{'asin': '1'} trailing")]
    [InlineData("{'asin': true}")]
    [InlineData("[1, 2,, 3]")]
    [InlineData("'bad \\x4'")]
    [InlineData("")]
    public void Parse_Malformed_ThrowsFormatException(string text) =>
        Assert.Throws<FormatException>(() => PythonLiteral.Parse(text));
}
