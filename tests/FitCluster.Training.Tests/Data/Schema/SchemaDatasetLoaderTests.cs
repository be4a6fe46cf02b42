using DuckDB.NET.Data;
using FitCluster.Training.Data;
using FitCluster.Training.Data.Schema;
using Xunit;

namespace FitCluster.Training.Tests.Data.Schema;

public sealed class SchemaDatasetLoaderTests : IDisposable
{
    // Users (text ids, ordinal): a -> 0, b -> 1; c has one behaviour and is dropped (min 2). Items of kept rows: x -> 1,
    // y -> 2, z -> 3. a: y@10, x@20; b: z@10, y@10 (tie: file order), x@30.
    private static readonly (string User, string Item, long Time)[] s_log =
        [("b", "x", 30), ("a", "y", 10), ("b", "z", 10), ("a", "x", 20), ("c", "y", 5), ("b", "y", 10)];

    // tags: x = p|q, y = q, z = none; price buckets [10, 100]: x = 5 -> 1, y = 50 -> 2, z = 500 -> 3.
    private static readonly (string Item, string[] Tags, double Price)[] s_items = [("x", ["p", "q"], 5), ("y", ["q"], 50), ("z", [], 500)];

    private readonly TempDirectory _directory = new("fitcluster-schema");

    public SchemaDatasetLoaderTests() => Directory.CreateDirectory(_directory.Path);

    public void Dispose() => _directory.Dispose();

    private string Write(string name, string text, bool gzip = false)
    {
        var path = Path.Combine(_directory.Path, name);
        ProgressLines.WriteText(path, text, gzip);
        return path;
    }

    private string Cache => Path.Combine(_directory.Path, "cache");

    private SchemaDataset Load(string schemaText, ProgressLines? progress = null) =>
        SchemaDatasetLoader.Load(Write("schema.json", schemaText), null, progress, Cache);

    private static string TinySchema(string logFile, string itemsFile) => $$"""
        {
          "name": "tiny",
          "behaviours": { "file": "{{logFile}}", "user": "u", "item": "i", "time": "t" },
          "items": { "file": "{{itemsFile}}", "id": "i",
                     "features": [ { "name": "tags", "kind": "multi-valued", "separator": "|" },
                                   { "name": "price", "kind": "numeric", "buckets": [10, 100] } ],
                     "attribute": ["tags"] }
        }
        """;

    private void WriteTinyFiles(string format, bool gzip)
    {
        var suffix = gzip ? ".gz" : string.Empty;
        switch (format)
        {
            case "csv" or "tsv":
                var d = format == "csv" ? "," : "\t";
                Write($"log.{format}{suffix}", $"u{d}i{d}t\n" + string.Concat(s_log.Select(r => $"{r.User}{d}{r.Item}{d}{r.Time}\n")), gzip);
                Write($"items.{format}{suffix}", $"i{d}tags{d}price\n" + string.Concat(s_items.Select(r => $"{r.Item}{d}{string.Join('|', r.Tags)}{d}{r.Price}\n")), gzip);
                break;
            case "jsonl":
                // Tags as a JSON list here: a list column needs no separator.
                Write($"log.jsonl{suffix}", string.Concat(s_log.Select(r => $$"""{"u": "{{r.User}}", "i": "{{r.Item}}", "t": {{r.Time}}}""" + "\n")), gzip);
                Write($"items.jsonl{suffix}", string.Concat(s_items.Select(r => $$"""{"i": "{{r.Item}}", "tags": [{{string.Join(", ", r.Tags.Select(t => $"\"{t}\""))}}], "price": {{r.Price}}}""" + "\n")), gzip);
                break;
            case "parquet":
                WriteTinyFiles("csv", gzip: false);
                using (var connection = new DuckDBConnection("DataSource=:memory:"))
                {
                    connection.Open();
                    using var command = connection.CreateCommand();
                    command.CommandText = $"""
                        COPY (SELECT * FROM read_csv('{_directory.Path}/log.csv')) TO '{_directory.Path}/log.parquet' (FORMAT parquet);
                        COPY (SELECT * FROM read_csv('{_directory.Path}/items.csv', types = {'{'}'tags': 'VARCHAR'{'}'})) TO '{_directory.Path}/items.parquet' (FORMAT parquet);
                        """;
                    command.ExecuteNonQuery();
                }

                File.Delete(Path.Combine(_directory.Path, "log.csv"));
                File.Delete(Path.Combine(_directory.Path, "items.csv"));
                break;
        }
    }

    // The tiny log as gzip members written by .NET's GZipStream (not the checker's library): rows split over the members.
    private void WriteGzipMembers(string name, params int[][] rowsPerMember)
    {
        using var file = File.Create(Path.Combine(_directory.Path, name));
        for (var m = 0; m < rowsPerMember.Length; m++)
        {
            var text = (m == 0 ? "u,i,t\n" : string.Empty) + string.Concat(rowsPerMember[m].Select(r => $"{s_log[r].User},{s_log[r].Item},{s_log[r].Time}\n"));
            using var member = new System.IO.Compression.GZipStream(file, System.IO.Compression.CompressionLevel.Optimal, leaveOpen: true);
            member.Write(System.Text.Encoding.UTF8.GetBytes(text));
        }
    }

    [Fact]
    public void Load_GzipOfTwoMembers_ReadsEveryRowAndSaysItWasChecked()
    {
        WriteTinyFiles("csv", gzip: false);
        WriteGzipMembers("log.csv.gz", [0, 1, 2], [3, 4, 5]);

        var dataset = Load(TinySchema("log.csv.gz", "items.csv"));

        Assert.Equal([0, 2, 5], dataset.Log.BehaviourOffsets); // as the plain file: both members read
        Assert.Equal([2, 1, 3, 2, 1], dataset.Log.BehaviourItems);
        Assert.Contains(dataset.Report, line => line.Contains("log.csv.gz: gzip stream intact", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("trailer cut")]        // the last 8 bytes (CRC-32 and length) missing: every row is still there for DuckDB
    [InlineData("half")]               // cut in the middle of the deflate data
    [InlineData("CRC flipped")]        // complete, but the data does not match its CRC-32
    [InlineData("second member cut")]  // the first member intact, the second one's trailer missing
    public void Load_TruncatedOrDamagedGzip_RefusedNamingTheFileAndNothingCached(string damage)
    {
        WriteTinyFiles("csv", gzip: false);
        if (damage == "second member cut")
        {
            WriteGzipMembers("log.csv.gz", [0, 1, 2], [3, 4, 5]);
        }
        else
        {
            WriteGzipMembers("log.csv.gz", [0, 1, 2, 3, 4, 5]);
        }

        var path = Path.Combine(_directory.Path, "log.csv.gz");
        var bytes = File.ReadAllBytes(path);
        bytes = damage switch
        {
            "trailer cut" or "second member cut" => bytes[..^8],
            "half" => bytes[..(bytes.Length / 2)],
            _ => bytes,
        };
        if (damage == "CRC flipped")
        {
            bytes[^8] ^= 0x01;
        }

        File.WriteAllBytes(path, bytes);

        for (var attempt = 0; attempt < 2; attempt++) // the second run must not find a cache of the first
        {
            var error = Assert.Throws<InvalidDataException>(() => Load(TinySchema("log.csv.gz", "items.csv")));
            Assert.Contains(path, error.Message, StringComparison.Ordinal);
            Assert.Contains("gzip stream is truncated or damaged", error.Message, StringComparison.Ordinal);
        }

        Assert.False(Directory.Exists(Cache) && Directory.EnumerateFiles(Cache, "*", SearchOption.AllDirectories).Any());
    }

    [Theory]
    [InlineData("csv", false)]
    [InlineData("csv", true)]
    [InlineData("tsv", false)]
    [InlineData("tsv", true)]
    [InlineData("jsonl", false)]
    [InlineData("jsonl", true)]
    [InlineData("parquet", false)]
    public void Load_EachFileFormat_GivesTheSameLog(string format, bool gzip)
    {
        WriteTinyFiles(format, gzip);
        var suffix = gzip ? ".gz" : string.Empty;

        var log = Load(TinySchema($"log.{format}{suffix}", $"items.{format}{suffix}")).Log;

        Assert.Equal("tiny", log.Name);
        Assert.Equal(2, log.UserCount);
        Assert.Equal([0, 2, 5], log.BehaviourOffsets);
        Assert.Equal([2, 1, 3, 2, 1], log.BehaviourItems);
        Assert.Equal(["", "x", "y", "z"], log.ItemKeys!);
        Assert.Equal([1, 2, 3], log.ActiveItems);
        Assert.Equal(["tags"], log.SequenceItemFields);
        var userId = Assert.Single(log.UserFields);
        Assert.Equal(("user_id", 3, 1), (userId.Name, userId.VocabSize, userId.Width));
        Assert.Equal([1, 2], userId.Values);
        Assert.Equal(["", "a", "b"], userId.Labels);
        Assert.Equal(2, log.ItemFields.Count);
        var tags = log.ItemFields[0];
        Assert.Equal(("tags", 3, 2), (tags.Name, tags.VocabSize, tags.Width));
        Assert.Equal([0, 0, 1, 2, 2, 0, 0, 0], tags.Values);
        Assert.Equal(["", "p", "q"], tags.Labels);
        var price = log.ItemFields[1];
        Assert.Equal(("price", 4, 1), (price.Name, price.VocabSize, price.Width));
        Assert.Equal([0, 1, 2, 3], price.Values);
        Assert.Equal(["", "<10", "[10,100)", ">=100"], price.Labels);
    }

    [Fact]
    public void Load_DirtyLog_ReportsEveryDroppedRowAndWhy()
    {
        Write("log.csv", """
            user,item,time,clicked
            1,10,100,1
            1,11,200,1
            1,11,200,1
            1,12,x,1
            ,10,300,1
            2,10,50,1
            2,12,60,1
            2,13,70,1
            2,10,9999999999,1
            3,10,100,1
            1,10,300,2
            1,12,400,0
            1,2,3,4,5
            """);
        Write("items.csv", "item,brand\n10,acme\n11,\n12,zeta\n14,acme\n");
        var progress = new ProgressLines();

        var dataset = Load("""
            {
              "name": "dirty",
              "behaviours": { "file": "log.csv", "user": "user", "item": "item", "time": "time", "label": "clicked",
                              "time_until": "5000", "duplicates": "drop" },
              "items": { "file": "items.csv", "id": "item", "universe": "table",
                         "features": [ { "name": "brand", "kind": "categorical", "values": ["acme"] } ] }
            }
            """, progress);

        var log = dataset.Log;
        Assert.Equal(2, log.UserCount);
        Assert.Equal([0, 2, 4], log.BehaviourOffsets);
        Assert.Equal([1, 2, 1, 3], log.BehaviourItems);
        Assert.Equal(["", "10", "11", "12", "14"], log.ItemKeys!);
        Assert.Equal([0, 1, 0, 0, 1], log.ItemFields[0].Values);
        Assert.Equal(
            [
                "data check: 12 rows read, 4 kept",
                "  dropped 1: malformed lines (DuckDB could not parse them)",
                "  dropped 1: missing user or item id",
                "  dropped 1: missing or malformed time",
                "  dropped 1: missing or malformed label (not 0/1)",
                "  dropped 1: time out of range",
                "  dropped 1: item not in the item table",
                "  dropped 1: labelled 0 (next-behaviour keeps positives only)",
                "  dropped 1: duplicate events (same user, item, time and label)",
                "  dropped 1 users with fewer than 2 behaviours (1 rows)",
                "  malformed: log.csv line 14: Expected Number of Columns: 4 Found: 5 ('1,2,3,4,5')",
                "  items table items.csv: 4 of 4 items described",
                "  feature brand: 1 values, 1 items missing it (index 0), 1 items with a value outside its vocabulary or unparsable (index 0)",
            ],
            dataset.Report);
        Assert.True(progress.Any("data check: 12 rows read, 4 kept"));
    }

    [Fact]
    public void Load_KeptDuplicates_AreCountedAndStay()
    {
        Write("log.csv", "u,i,t\n1,5,10\n1,5,10\n1,6,20\n");

        var dataset = Load("""{ "name": "d", "behaviours": { "file": "log.csv", "user": "u", "item": "i", "time": "t" } }""");

        Assert.Equal([1, 1, 2], dataset.Log.BehaviourItems);
        Assert.Contains("  kept 1: duplicate events (same user, item, time and label)", dataset.Report);
    }

    [Fact]
    public void Load_MissingColumn_CitesTheSchemaLineAndColumn()
    {
        Write("log.csv", "user,item,time\n1,2,3\n");

        var error = Assert.Throws<SchemaException>(() => Load("""
            {
              "name": "m",
              "behaviours": { "file": "log.csv",
                              "user": "usr", "item": "item", "time": "time" }
            }
            """));

        Assert.Equal(new SchemaLocation("$.behaviours.user", 4, 27), error.Location);
        Assert.EndsWith(":4:27: $.behaviours.user: column 'usr' is not in log.csv; its columns are: user, item, time", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_MissingFeatureColumn_CitesTheFeature()
    {
        Write("log.csv", "user,item,time\n1,2,3\n1,3,4\n");
        Write("items.csv", "item,colour\n2,red\n");

        var error = Assert.Throws<SchemaException>(() => Load("""
            { "name": "m", "behaviours": { "file": "log.csv", "user": "user", "item": "item", "time": "time" },
              "items": { "file": "items.csv", "id": "item", "features": [ { "name": "genre", "kind": "categorical" } ] } }
            """));

        Assert.Equal("$.items.features[0].name", error.Location!.Path);
        Assert.Contains("column 'genre' is not in items.csv; its columns are: item, colour", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_TextColumnAsTime_IsAWrongTypeError()
    {
        Write("log.csv", "user,item,title\n1,2,Heat\n1,3,Alien\n");

        var error = Assert.Throws<SchemaException>(() => Load("""{ "name": "w", "behaviours": { "file": "log.csv", "user": "user", "item": "item", "time": "title" } }"""));

        Assert.Equal(new SchemaLocation("$.behaviours.time", 1, 91), error.Location);
        Assert.Contains("column 'title' (VARCHAR) holds no time (a number, a date or a timestamp)", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_ListColumnAsId_IsAWrongTypeError()
    {
        Write("log.jsonl", """{"user": [1, 2], "item": 3, "time": 4}""" + "\n");

        var error = Assert.Throws<SchemaException>(() => Load("""{ "name": "w", "behaviours": { "file": "log.jsonl", "user": "user", "item": "item", "time": "time" } }"""));

        Assert.Equal("$.behaviours.user", error.Location!.Path);
        Assert.Contains("is BIGINT[]; an id is an integer or text", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_EmptyFile_NamesItAtItsSchemaLine()
    {
        Write("log.csv", string.Empty);

        var error = Assert.Throws<SchemaException>(() => Load("""{ "name": "e", "behaviours": { "file": "log.csv", "user": "u", "item": "i", "time": "t" } }"""));

        Assert.Equal("$.behaviours.file", error.Location!.Path);
        Assert.Contains($"the file is empty: {Path.Combine(_directory.Path, "log.csv")}", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_HeaderOnly_HasNoUsableBehaviour()
    {
        Write("log.csv", "u,i,t\n");

        var error = Assert.Throws<InvalidDataException>(() => Load("""{ "name": "e", "behaviours": { "file": "log.csv", "user": "u", "item": "i", "time": "t" } }"""));

        Assert.Contains("no usable behaviour in log.csv", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_MissingFile_NamesThePath()
    {
        var error = Assert.Throws<SchemaException>(() => Load("""{ "name": "e", "behaviours": { "file": "nope.csv", "user": "u", "item": "i", "time": "t" } }"""));

        Assert.Contains($"file not found: {Path.Combine(_directory.Path, "nope.csv")}", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_DataFolder_ResolvesFileNamesAgainstIt()
    {
        var data = Path.Combine(_directory.Path, "data");
        Directory.CreateDirectory(data);
        File.WriteAllText(Path.Combine(data, "log.csv"), "u,i,t\n1,7,1\n1,8,2\n");
        var schema = Write("schema.json", """{ "name": "r", "behaviours": { "file": "log.csv", "user": "u", "item": "i", "time": "t" } }""");

        var log = SchemaDatasetLoader.Load(schema, data, null, Cache).Log;

        Assert.Equal(["", "7", "8"], log.ItemKeys!);
    }

    [Fact]
    public void Load_TimestampsAndQuery_OrderByTimeAndUseTheQueryResult()
    {
        // ISO timestamps order the behaviours; the query keeps ratings of 4 and above as positives through the label.
        Write("log.csv", "u,i,happened,stars\n1,7,2024-01-02T00:00:00Z,5\n1,8,2024-01-01T00:00:00Z,4\n1,9,2023-12-31T00:00:00Z,2\n1,6,2024-01-03T00:00:00Z,5\n");

        var dataset = Load("""
            { "name": "q",
              "behaviours": { "query": "SELECT u, i, happened, stars >= 4 AS liked FROM read_csv('log.csv')", "user": "u", "item": "i", "time": "happened", "label": "liked" } }
            """);

        Assert.Equal(["", "6", "7", "8"], dataset.Log.ItemKeys!);
        Assert.Equal([3, 2, 1], dataset.Log.BehaviourItems);
        Assert.Contains("  dropped 1: labelled 0 (next-behaviour keeps positives only)", dataset.Report);
    }

    [Fact]
    public void Load_SecondRun_ReadsTheCacheWithItsReportAndAChangedSchemaRebuilds()
    {
        WriteTinyFiles("csv", gzip: false);
        var first = Load(TinySchema("log.csv", "items.csv"));
        var progress = new ProgressLines();

        var second = Load(TinySchema("log.csv", "items.csv"), progress);

        Assert.True(progress.Any("cache"), string.Join(" | ", progress.Lines));
        Assert.True(progress.Any(": loaded"), string.Join(" | ", progress.Lines));
        Assert.Equal(first.Report, second.Report);
        InteractionLogAssert.Equal(first.Log, second.Log);

        var changed = new ProgressLines();
        var third = Load(TinySchema("log.csv", "items.csv").Replace("[10, 100]", "[10, 1000]", StringComparison.Ordinal), changed);
        Assert.True(changed.Any("stale"), string.Join(" | ", changed.Lines));
        Assert.Equal([0, 1, 2, 2], third.Log.ItemFields[1].Values);
    }

    [Fact]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public void Load_ReadOnlyDataFolder_CachesOutsideIt()
    {
        var data = Path.Combine(_directory.Path, "read-only");
        Directory.CreateDirectory(data);
        File.WriteAllText(Path.Combine(data, "log.csv"), "u,i,t\n1,7,1\n1,8,2\n");
        var schema = Write("ro.json", """{ "name": "ro", "behaviours": { "file": "log.csv", "user": "u", "item": "i", "time": "t" } }""");
        File.SetUnixFileMode(data, UnixFileMode.UserRead | UnixFileMode.UserExecute);
        try
        {
            SchemaDatasetLoader.Load(schema, data, null);
            var second = new ProgressLines();
            SchemaDatasetLoader.Load(schema, data, second);

            Assert.False(Directory.Exists(Path.Combine(data, ".fitcache")));
            Assert.True(second.Any(": loaded"), string.Join(" | ", second.Lines));
        }
        finally
        {
            File.SetUnixFileMode(data, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
    }

    [Fact]
    public void Load_Generated_CountsItsPlantedDuplicates()
    {
        var schema = GeneratedLog.Write(_directory.Path, behaviours: 10_000, users: 50, items: 300, format: "csv");

        var dataset = SchemaDatasetLoader.Load(schema, null, null, Cache);

        // Rows i with i % 997 = 1 repeat row i - 1: i = 1, 998, …, 9971, so 11 duplicates, kept by default.
        Assert.Equal("data check: 10,000 rows read, 10,000 kept", dataset.Report[0]);
        Assert.Contains("  kept 11: duplicate events (same user, item, time and label)", dataset.Report);
        Assert.Equal(10_000, dataset.Log.BehaviourItems.Length);
        Assert.Equal(["user_id", "age", "segment"], dataset.Log.UserFields.Select(f => f.Name));
        Assert.Equal(7, dataset.Log.UserFields[1].VocabSize); // 5 boundaries: 6 buckets + padding
    }
}
