using System.Text;
using FitCluster.Training.Cli;
using FitCluster.Training.Data;
using FitCluster.Training.Data.Schema;
using Xunit;

namespace FitCluster.Training.Tests.Data;

/// <summary>The built-in <c>--dataset ml-1m</c>: the embedded <c>examples/ml-1m/schema.json</c> over GroupLens-format files.</summary>
public sealed class MovieLens1MTests : IDisposable
{
    // Tiny files in the exact GroupLens format. Nothing is sorted: users and movies by id, ratings by user or time.
    private const string Users =
        "3::M::25::15::55117\n" +
        "1::F::1::10::48067\n" +
        "2::M::56::16::70072-1234\n";

    // MovieID -> item index: 1 -> 1, 5 -> 2, 10 -> 3, 20 -> 4, 30 -> 5, 73 -> 6. Line 3 holds Latin-1 byte 0xE9.
    private const string Movies =
        "10::GoldenEye (1995)::Action|Adventure|Thriller\n" +
        "1::Toy Story (1995)::Animation|Children's|Comedy\n" +
        "73::Mis\u00e9rables, Les (1995)::Drama|Musical\n" +
        "5::Untitled Movie::Drama\n" +
        "30::Never Rated (1999)::Horror\n" +
        "20::Old Film (1920)::Comedy\n";

    // User 1: 50 (10), 100 (1), 200 (5), 200 (20: tie, later line);  user 2: 100 (73), 300 (10), 300 (1: tie);
    // user 3: 10 (1), 10 (73: tie). Ratings of every star value count.
    private const string Ratings =
        "2::10::5::300\n" +
        "1::5::3::200\n" +
        "1::1::4::100\n" +
        "1::20::2::200\n" +
        "2::73::1::100\n" +
        "1::10::5::50\n" +
        "3::1::4::10\n" +
        "2::1::3::300\n" +
        "3::73::2::10\n" +
        "\n\n";

    private readonly string _directory =
        Directory.CreateTempSubdirectory("fitcluster-ml1m-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private SchemaDataset Load(IProgress<string>? progress = null) =>
        SchemaDatasetLoader.Load(BuiltInSchemas.MovieLens1M(), _directory, progress, Path.Combine(_directory, "cache"));

    [Fact]
    public void Load_TinyFiles_OrdersBehavioursByStableTimestampSort()
    {
        WriteFiles(Users, Movies, Ratings);

        var log = Load().Log;

        Assert.Equal("ml-1m", log.Name);
        Assert.Equal(3, log.UserCount);
        Assert.Equal([0, 4, 7, 9], log.BehaviourOffsets);
        Assert.Equal([3, 1, 2, 4, /* user 2 */ 6, 3, 1, /* user 3 */ 1, 6], log.BehaviourItems);
    }

    [Fact]
    public void Load_TinyFiles_BuildsUserFieldsInUserIdOrder()
    {
        WriteFiles(Users, Movies, Ratings);

        var log = Load().Log;

        Assert.Equal(["user_id", "gender", "age", "occupation", "zip_prefix"], log.UserFields.Select(f => f.Name));
        Assert.All(log.UserFields, f => Assert.Equal(1, f.Width));
        AssertField(log.UserFields[0], "user_id", 4, [1, 2, 3]);
        AssertField(log.UserFields[1], "gender", 3, [2, 1, 1]);
        AssertField(log.UserFields[2], "age", 8, [1, 7, 3]);
        AssertField(log.UserFields[3], "occupation", 22, [11, 17, 16]);
        AssertField(log.UserFields[4], "zip_prefix", 4, [1, 3, 2]); // "480" < "551" < "700"
    }

    [Fact]
    public void Load_TinyFiles_BuildsItemFieldsInMovieIdOrder()
    {
        WriteFiles(Users, Movies, Ratings);

        var log = Load().Log;

        Assert.Equal(7, log.ItemVocabSize);
        Assert.Equal([1, 2, 3, 4, 6], log.ActiveItems);
        Assert.Equal(["genres"], log.SequenceItemFields);
        Assert.Equal(["genres", "year"], log.ItemFields.Select(f => f.Name));

        // Action 1, Adventure 2, Animation 3, Children's 4, Comedy 5, Drama 6, Horror 7, Musical 8, Thriller 9.
        var genres = log.ItemFields[0];
        Assert.Equal(10, genres.VocabSize);
        Assert.Equal(3, genres.Width);
        Assert.Equal(7, genres.EntityCount);
        Assert.Equal(
            [0, 0, 0, /* 1 */ 3, 4, 5, /* 5 */ 6, 0, 0, /* 10 */ 1, 2, 9, /* 20 */ 5, 0, 0, /* 30 */ 7, 0, 0, /* 73 */ 6, 8, 0],
            genres.Values);

        // 1920 -> 1, 1995 -> 2, 1999 -> 3; "Untitled Movie" has no year.
        AssertField(log.ItemFields[1], "year", 4, [0, 2, 0, 2, 1, 3, 2]);
    }

    [Fact]
    public void Load_Latin1Title_ParsesTheLineWithByte0xE9()
    {
        WriteFiles(Users, Movies, Ratings);
        Assert.Contains((byte)0xE9, File.ReadAllBytes(Path.Combine(_directory, "movies.dat")));

        var log = Load().Log;

        // "Misérables, Les (1995)" is MovieID 73 = item 6: Drama|Musical, year 1995.
        Assert.Equal([6, 8, 0], log.ItemFields[0].Values.AsSpan(6 * 3, 3).ToArray());
        Assert.Equal(2, log.ItemFields[1].Values[6]);
    }

    [Fact]
    public void Load_CrLfLineEndings_GivesTheSameLog()
    {
        WriteFiles(Users.Replace("\n", "\r\n"), Movies.Replace("\n", "\r\n"), Ratings.Replace("\n", "\r\n"));

        var log = Load().Log;

        Assert.Equal([3, 1, 2, 4, 6, 3, 1, 1, 6], log.BehaviourItems);
        Assert.Equal([1, 3, 2], log.UserFields[4].Values);
        Assert.Equal([0, 2, 0, 2, 1, 3, 2], log.ItemFields[1].Values);
    }

    [Fact]
    public void Load_WithProgress_ReportsTheDataCheck()
    {
        WriteFiles(Users, Movies, Ratings);
        var messages = new ProgressLines();

        Load(messages);

        Assert.Contains("data check: 9 rows read, 9 kept", messages.Lines);
        Assert.Contains("  users table query: 3 of 3 users described", messages.Lines);
        Assert.Contains("  items table query: 6 of 6 items described", messages.Lines);
        Assert.True(messages.Any("ml-1m: 3 users, 6 items, 9 behaviours"), string.Join(" | ", messages.Lines));
    }

    [Theory]
    [InlineData("1::5::3::200\n1::1::4\n", "ratings.dat line 2")]
    [InlineData("1::5::3::200\n1::1::4::100::7\n", "ratings.dat line 2")]
    [InlineData("1::5::3::200\n1::x::4::100\n", "ratings.dat line 2")]
    [InlineData("1::5::3::200\n1::1::4::soon\n", "ratings.dat line 2")]
    public void Load_MalformedRatingLine_IsDroppedAndReportedWithItsLine(string ratings, string expectedLine)
    {
        // Only the columns the schema uses are parsed: a bad Rating (unused; every star value is a behaviour) is no error.
        WriteFiles(Users, Movies, ratings);

        var dataset = Load();

        Assert.Equal([2], dataset.Log.BehaviourItems); // the good line: user 1, MovieID 5
        Assert.Contains("  dropped 1: malformed lines (DuckDB could not parse them)", dataset.Report);
        Assert.Contains(dataset.Report, line => line.StartsWith($"  malformed: {expectedLine}:", StringComparison.Ordinal));
    }

    [Fact]
    public void Load_UnusedRatingColumn_IsNotParsed()
    {
        WriteFiles(Users, Movies, "1::5::3::200\n1::1::four::100\n");

        Assert.Equal([1, 2], Load().Log.BehaviourItems);
    }

    [Fact]
    public void Load_RatingsOfUnknownUsersAndMovies_AreDroppedAndCounted()
    {
        WriteFiles(Users, Movies, "1::5::3::200\n2::999::4::100\n4::1::4::100\n-1::5::3::200\n");

        var dataset = Load();

        Assert.Equal([2], dataset.Log.BehaviourItems);
        Assert.Contains("  dropped 2: user not in the user table", dataset.Report);
        Assert.Contains("  dropped 1: item not in the item table", dataset.Report);
    }

    [Fact]
    public void Load_UserValuesOutsideTheGroupLensCodes_GetZeroAndAreReported()
    {
        // Age 21 is not a GroupLens code, gender X is neither M nor F, occupation 21 is outside 0..20; line 4 lacks a
        // field; line 5 repeats UserID 1 (the first row wins).
        WriteFiles("1::F::21::10::48067\n2::X::56::16::70072\n3::M::25::21::55117\n4::F::1::10\n1::M::56::16::70072\n", Movies, "1::5::3::200\n");

        var dataset = Load();
        var (log, report) = (dataset.Log, dataset.Report);

        Assert.Equal(3, log.UserCount);
        Assert.Equal([0, 7, 3], log.UserFields[2].Values); // age
        Assert.Equal([2, 0, 1], log.UserFields[1].Values); // gender
        Assert.Equal([11, 17, 0], log.UserFields[3].Values); // occupation
        Assert.Contains(report, line => line.StartsWith("  malformed: users.dat line 4:", StringComparison.Ordinal));
        Assert.Contains("  users table query: 3 of 3 users described, 1 repeated rows ignored (first row wins), 1 malformed lines dropped", report);
        Assert.Contains("  feature age: 7 values, 1 users with a value outside its vocabulary or unparsable (index 0)", report);
    }

    [Fact]
    public void Load_MalformedMovieLines_AreDroppedAndReported()
    {
        WriteFiles(Users, "1::Toy Story (1995)::Comedy\nTwo::Jumanji (1995)::Fantasy\n2::Jumanji (1995)|Fantasy\n", "1::1::3::200\n");

        var dataset = Load();

        Assert.Equal(2, dataset.Log.ItemVocabSize);
        Assert.Contains(dataset.Report, line => line.StartsWith("  malformed: movies.dat line 2:", StringComparison.Ordinal));
        Assert.Contains(dataset.Report, line => line.StartsWith("  malformed: movies.dat line 3:", StringComparison.Ordinal));
    }

    [Fact]
    public void LooksLikeMovieLens1M_MissingFile_ReturnsFalse()
    {
        WriteFiles(Users, Movies, Ratings);
        Assert.True(DatasetSource.LooksLikeMovieLens1M(_directory));

        File.Delete(Path.Combine(_directory, "users.dat"));

        Assert.False(DatasetSource.LooksLikeMovieLens1M(_directory));
        Assert.Throws<SchemaException>(() => Load());
    }

    [Fact]
    [Trait("Category", TestData.RealDataCategory)]
    public void Load_RealMovieLens1M_MatchesTheReferenceFigures()
    {
        var log = TestData.MovieLens1M();

        Assert.Equal(6_040, log.UserCount);
        Assert.Equal(1_000_209, log.BehaviourItems.Length);
        Assert.Equal(1_000_209, log.BehaviourOffsets[^1]);
        Assert.Equal(3_706, log.ActiveItems.Length);
        Assert.Equal(3_884, log.ItemVocabSize);
        Assert.Equal(19, log.ItemFields[0].VocabSize); // 18 genres + padding
        Assert.Equal(6, log.ItemFields[0].Width);
        Assert.Equal(3_884, log.ItemFields[0].EntityCount);
        Assert.Equal(3_884, log.ItemFields[1].EntityCount);
        Assert.DoesNotContain(0, log.ItemFields[1].Values.AsSpan(1).ToArray()); // every title has a year
        Assert.Equal(4_331, log.UserFields[1].Values.Count(v => v == 1));
        Assert.Equal(1_709, log.UserFields[1].Values.Count(v => v == 2));
        Assert.Equal(8, log.UserFields[2].VocabSize);
        Assert.Equal(7, log.UserFields[2].Values.Distinct().Count());
        for (var u = 0; u < log.UserCount; u++)
        {
            Assert.True(log.BehaviourCount(u) >= 20, $"user index {u} has {log.BehaviourCount(u)} ratings");
        }
    }

    [Fact]
    [Trait("Category", TestData.RealDataCategory)]
    public void Load_RealMovieLens1M_KeepsTheFilesChronologicalOrder()
    {
        // The shared ratings.dat is grouped by user in each user's exact chronological order (ties in original order),
        // so a stable per-user sort by timestamp must reproduce its line order. Checked with a naive reader.
        var directory = TestData.RequireMovieLens1M();
        var log = TestData.MovieLens1M();
        var movieIds = File.ReadLines(Path.Combine(directory, "movies.dat"), Encoding.Latin1)
            .Select(line => int.Parse(line.AsSpan(0, line.IndexOf("::", StringComparison.Ordinal)), provider: null))
            .Order()
            .ToArray();
        var expected = File.ReadLines(Path.Combine(directory, "ratings.dat"))
            .Select(line => Array.BinarySearch(movieIds, int.Parse(line.Split("::")[1], provider: null)) + 1)
            .ToArray();

        Assert.Equal(expected, log.BehaviourItems);
    }

    private static void AssertField(CategoricalField field, string name, int vocabSize, int[] values)
    {
        Assert.Equal(name, field.Name);
        Assert.Equal(vocabSize, field.VocabSize);
        Assert.Equal(values, field.Values);
    }

    private void WriteFiles(string users, string movies, string ratings)
    {
        File.WriteAllText(Path.Combine(_directory, "users.dat"), users, Encoding.ASCII);
        File.WriteAllText(Path.Combine(_directory, "movies.dat"), movies, Encoding.Latin1);
        File.WriteAllText(Path.Combine(_directory, "ratings.dat"), ratings, Encoding.ASCII);
    }

}
