namespace FitCluster.LoadTest.Tests;

public sealed class DurationParserTests
{
    [Theory]
    [InlineData("30s", 30.0)]
    [InlineData("500ms", 0.5)]
    [InlineData("2m", 120.0)]
    [InlineData("1.5s", 1.5)]
    [InlineData("1h", 3600.0)]
    [InlineData("10", 10.0)]
    [InlineData(" 5S ", 5.0)]
    [InlineData("0s", 0.0)]
    public void TryParse_Valid_ReturnsTheDuration(string text, double seconds)
    {
        Assert.True(DurationParser.TryParse(text, out var duration));
        Assert.Equal(TimeSpan.FromSeconds(seconds), duration);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("s")]
    [InlineData("abc")]
    [InlineData("-1s")]
    [InlineData("2x")]
    [InlineData("1e400s")]
    public void TryParse_Invalid_ReturnsFalse(string? text)
    {
        Assert.False(DurationParser.TryParse(text, out _));
    }
}
