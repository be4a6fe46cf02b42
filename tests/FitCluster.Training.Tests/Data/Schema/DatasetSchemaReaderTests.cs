using System.Text;
using FitCluster.Training.Data.Schema;
using Xunit;

namespace FitCluster.Training.Tests.Data.Schema;

public sealed class DatasetSchemaReaderTests
{
    private const string File = "/data/shop.json";

    private static SchemaException Fails(string json) =>
        Assert.Throws<SchemaException>(() => DatasetSchemaReader.Parse(Encoding.UTF8.GetBytes(json), File));

    [Fact]
    public void Parse_CompleteSchema_ReadsEveryKey()
    {
        var schema = DatasetSchemaReader.Parse(Encoding.UTF8.GetBytes("""
            {
              "name": "shop",
              "behaviours": { "file": "log.tsv.gz", "delimiter": "\t", "user": "u", "item": "i", "time": "t", "label": "clicked",
                              "time_from": "2024-01-01", "time_until": "1735689600", "duplicates": "drop" },
              "users": { "query": "SELECT * FROM 'users.parquet'", "id": "u", "universe": "table",
                         "features": [ { "name": "age", "kind": "numeric", "buckets": [18, 30.5] } ] },
              "items": { "file": "items.jsonl", "id": "i",
                         "features": [ { "name": "tags", "kind": "multi-valued", "separator": ";" },
                                       { "name": "brand", "column": "brand_name", "kind": "categorical", "values": ["b", "a"] } ],
                         "attribute": ["brand"] },
              "protocol": { "kind": "labelled-impressions", "min_behaviours": 3, "test_from": "2024-06-01T00:00:00+08:00" }
            }
            """), File).Schema;

        Assert.Equal("shop", schema.Name);
        Assert.Equal(("log.tsv.gz", "\t", "u", "i", "t", "clicked"), (schema.Behaviours!.File, schema.Behaviours.Delimiter, schema.Behaviours.User, schema.Behaviours.Item, schema.Behaviours.Time, schema.Behaviours.Label));
        Assert.Equal(("2024-01-01", "1735689600", "drop"), (schema.Behaviours.TimeFrom, schema.Behaviours.TimeUntil, schema.Behaviours.Duplicates));
        Assert.Equal(("SELECT * FROM 'users.parquet'", "u", "table"), (schema.Users!.Query, schema.Users.Id, schema.Users.Universe));
        Assert.Equal([18.0, 30.5], schema.Users.Features![0].Buckets!);
        Assert.Equal(("tags", "multi-valued", ";"), (schema.Items!.Features![0].Name, schema.Items.Features[0].Kind, schema.Items.Features[0].Separator));
        Assert.Equal(("brand", "brand_name"), (schema.Items.Features[1].Name, schema.Items.Features[1].Column));
        Assert.Equal(["b", "a"], schema.Items.Features[1].Values!);
        Assert.Equal(["brand"], schema.Items.Attribute!);
        Assert.Equal(("labelled-impressions", 3, "2024-06-01T00:00:00+08:00"), (schema.Protocol!.Kind, schema.Protocol.MinBehaviours, schema.Protocol.TestFrom));
    }

    [Fact]
    public void Parse_UnknownKind_CitesItsLineColumnAndPath()
    {
        // Line 5, column 76 is where "bucketed" starts (the value's opening quote).
        var error = Fails("""
            {
              "name": "shop",
              "behaviours": { "file": "log.csv", "user": "u", "item": "i", "time": "t" },
              "items": { "file": "items.csv", "id": "i", "features": [
                { "name": "brand", "kind": "categorical" }, { "name": "price", "kind": "bucketed" } ] }
            }
            """);

        Assert.Equal(new SchemaLocation("$.items.features[1].kind", 5, 76), error.Location);
        Assert.StartsWith($"{File}:5:76: $.items.features[1].kind: unknown kind 'bucketed'; known: categorical, multi-valued, numeric", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_WrongJsonType_CitesLineAndColumnFromTheParser()
    {
        var error = Fails("""
            {
              "name": "shop",
              "behaviours": { "file": "log.csv", "header": "yes", "user": "u", "item": "i", "time": "t" }
            }
            """);

        Assert.Equal(3, error.Location!.Line);
        Assert.Equal("$.behaviours.header", error.Location.Path);
        Assert.Contains("could not be converted to System.Nullable`1[System.Boolean]", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_UnknownKey_IsAnErrorNotADefault()
    {
        var error = Fails("""{ "name": "shop", "behaviours": { "file": "log.csv", "usr": "u", "item": "i", "time": "t" } }""");

        Assert.Contains("usr", error.Message, StringComparison.Ordinal);
        Assert.Equal(1, error.Location!.Line);
    }

    [Fact]
    public void Parse_SeveralProblems_ReportsEveryOneWithItsPlace()
    {
        var error = Fails("""
            {
              "name": "Shop!",
              "behaviours": { "file": "log.dat", "item": "i" },
              "items": { "file": "items.csv", "id": "i", "attribute": ["colour"],
                         "features": [ { "name": "price", "kind": "numeric", "buckets": [10, 5] }, { "name": "age", "kind": "numeric" } ] }
            }
            """);

        var lines = error.Message.Split(Environment.NewLine);
        Assert.Equal(
            [
                $"{File}:2:11: $.name: 'Shop!' is not a dataset name: lowercase letters, digits, '-', '_' and '.', starting with a letter or digit",
                $"{File}:3:27: $.behaviours.file: cannot tell the format of 'log.dat' from its extension; give 'format': csv, tsv, jsonl, parquet",
                $"{File}:3:17: $.behaviours: 'user' is required: the column of the user id",
                $"{File}:3:17: $.behaviours: 'time' is required: the column of the event time",
                $"{File}:5:82: $.items.features[0].buckets[1]: bucket boundaries must be finite and strictly ascending",
                $"{File}:5:88: $.items.features[1]: a numeric feature needs 'buckets': ascending boundaries such as [10, 100, 1000]",
                $"{File}:4:60: $.items.attribute[0]: 'colour' is not one of the item features (price, age)",
            ],
            lines);
    }

    [Theory]
    [InlineData("""{ "name": "s", "behaviours": { "file": "a.csv", "query": "SELECT 1", "user": "u", "item": "i", "time": "t" } }""", "give exactly one of 'file' and 'query'")]
    [InlineData("""{ "name": "s", "behaviours": { "file": "a.parquet", "delimiter": ";", "user": "u", "item": "i", "time": "t" } }""", "are CSV/TSV options, not parquet")]
    [InlineData("""{ "name": "s", "behaviours": { "file": "a.csv", "user": "u", "item": "i", "time": "t" }, "protocol": { "kind": "labelled-impressions" } }""", "'label' is required by labelled-impressions")]
    [InlineData("""{ "name": "s", "behaviours": { "file": "a.csv", "user": "u", "item": "i", "time": "t", "time_from": "soon" } }""", "'soon' is neither unix seconds nor an ISO date/time")]
    [InlineData("""{ "name": "s", "behaviours": { "file": "a.csv", "user": "u", "item": "i", "time": "t" }, "users": { "file": "u.csv", "id": "u", "features": [ { "name": "user_id", "kind": "categorical" } ] } }""", "not 'user_id'")]
    [InlineData("""{ "name": "s", "behaviours": { "file": "a.csv", "user": "u", "item": "i", "time": "t" }, "items": { "file": "i.csv", "id": "i", "features": [ { "name": "g", "kind": "categorical", "separator": "|" } ] } }""", "a separator belongs to a multi-valued feature")]
    [InlineData("""{ "name": "s", "behaviours": { "file": "a.csv", "user": "u", "item": "i", "time": "t" }, "protocol": { "kind": "next-behaviour", "test_from": "2024-01-01" } }""", "test_from and utc_offset_hours belong to labelled-impressions")]
    [InlineData("""{ "name": "s", "behaviours": { "file": "a.csv", "header": true, "column_names": ["u"], "user": "u", "item": "i", "time": "t" } }""", "set \"header\": false")]
    public void Parse_InvalidValue_SaysWhatIsWrong(string json, string expected) =>
        Assert.Contains(expected, Fails(json).Message, StringComparison.Ordinal);

    [Fact]
    public void Read_MissingFile_IsFileNotFound() =>
        Assert.Throws<FileNotFoundException>(() => DatasetSchemaReader.Read(Path.Combine(Path.GetTempPath(), $"none-{Guid.NewGuid():N}.json")));

    [Theory]
    [InlineData("1700000000", 1_700_000_000L)]
    [InlineData("2017-05-13", 1_494_633_600L)]
    [InlineData("2017-05-13T00:00:00+08:00", 1_494_604_800L)]
    public void TryParseTime_UnixSecondsOrIsoDates_GivesUnixSeconds(string text, long expected)
    {
        Assert.True(DatasetSchemaReader.TryParseTime(text, out var seconds));
        Assert.Equal(expected, seconds);
    }
}
