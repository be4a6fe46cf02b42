using DuckDB.NET.Data;
using FitCluster.Training.Data;
using FitCluster.Training.Data.Schema;
using Xunit;

namespace FitCluster.Training.Tests.Data.Schema;

/// <summary>
/// The example schemas under <c>examples/</c> give exactly what the built-in loaders give on the same files: the same
/// log (ids, order, features, vocabularies) and so the same samples. The Amazon loader is the oracle; Taobao's built-in dataset is <c>examples/taobao/schema.json</c> (checked by hand in <see cref="TaobaoTests"/>);
/// ML-1M's built-in dataset is <c>examples/ml-1m/schema.json</c> itself (checked against the reference figures and a naive
/// reader in <see cref="MovieLens1MTests"/>), and the same data in other files and shapes must give the same log.
/// </summary>
public sealed class ExampleSchemaTests : IDisposable
{
    // AmazonLoaderTests.Metadata in strict JSON (the 2014 file's Python literals are the built-in loader's business).
    private const string StrictMetadata =
        """
        {"asin": "0528881469", "title": "Rand McNally 528881469 7-inch Intelliroute TND 700 Truck GPS", "price": 299.99, "categories": [["Electronics", "Car & Vehicle Electronics", "Car Electronics", "Car Video"], ["Electronics", "GPS & Navigation", "Trucking GPS"]]}
        {"asin": "0594451647", "title": "Barnes & Noble HDTV Adapter Kit", "categories": [["Electronics", "Computers & Accessories", "Cables & Accessories"]], "brand": null, "inStock": true}
        {"asin": "0972683275", "categories": [["Electronics", "Television & Video", "Mounts"]], "title": "VideoSecu TV Mount", "price": 28.99, "available": true}
        {"asin": "B00001P4ZH", "title": "Koss Porta Pro", "categories": [["Electronics", "Computers & Accessories", "Cables & Accessories"]]}
        {"asin": "B00XXXXXXX", "categories": [["Electronics", "Other"]]}
        {"asin": "0000000001", "categories": [["Electronics"
        {"title": "no asin"}

        """;

    private readonly TempDirectory _directory = new("fitcluster-example-schemas");

    public ExampleSchemaTests() => Directory.CreateDirectory(_directory.Path);

    public void Dispose() => _directory.Dispose();

    private string Cache => Path.Combine(_directory.Path, "cache");

    [Fact]
    public void TaobaoExample_IsTheBuiltInDataset_PlainOrGzipped()
    {
        // --dataset taobao is examples/taobao/schema.json (TaobaoTests checks its log, samples and split by hand); the
        // file in examples/ must stay the one embedded, and the built-in one reads gzipped copies of the same files alike.
        TaobaoTests.WriteFiles(_directory.Path);
        var example = SchemaDatasetLoader.Load(RepositoryFiles.Path("examples/taobao/schema.json"), _directory.Path, null, Cache);
        using var gzipped = new TempDirectory("fitcluster-example-taobao-gz");
        Directory.CreateDirectory(gzipped.Path);
        TaobaoTests.WriteFiles(gzipped.Path, gzip: true);

        var builtIn = SchemaDatasetLoader.Load(BuiltInSchemas.Taobao(gzipped.Path), gzipped.Path, null, Path.Combine(Cache, "built-in"));

        InteractionLogAssert.Equal(example.Log, builtIn.Log);
        SamplesEqual(example.Impressions!, builtIn.Impressions!);
        Assert.Equal(example.ImpressionTimes, builtIn.ImpressionTimes);
        Assert.Equal(example.TestStart, builtIn.TestStart);
        var options = new SampleBuilderOptions { Seed = 7 };
        SamplesEqual(example.Split(options).Validation, builtIn.Split(options).Validation);
        // The fixture's malformed raw_sample lines are dropped and reported: a bad time and a missing field (DuckDB rejects them) and nonclk ≠ 1 − clk (the query gives no label).
        Assert.Contains("  dropped 2: malformed lines (DuckDB could not parse them)", builtIn.Report);
        Assert.Contains("  dropped 1: missing or malformed label (not 0/1)", builtIn.Report);
    }

    [Fact]
    public void AmazonExample_AmazonShapedFiles_GivesTheBuiltInLoadersLog()
    {
        ProgressLines.WriteText(Path.Combine(_directory.Path, "reviews_Electronics_5.json"), AmazonLoaderTests.Reviews);
        ProgressLines.WriteText(Path.Combine(_directory.Path, "meta_Electronics.json"), StrictMetadata);
        var builtIn = AmazonLoader.Load(_directory.Path, AmazonSubset.Electronics, null, Path.Combine(Cache, "built-in"));

        var viaSchema = SchemaDatasetLoader.Load(RepositoryFiles.Path("examples/amazon-electronics/schema.json"), _directory.Path, null, Cache);

        InteractionLogAssert.Equal(builtIn, viaSchema.Log);
        var options = new SampleBuilderOptions { ValidationFraction = 0 };
        SamplesEqual(SampleBuilder.Build(builtIn, options).Train, viaSchema.Split(options).Train);
    }

    [Fact]
    [Trait("Category", TestData.RealDataCategory)]
    public void MovieLens1MExamples_ParquetAndRenamedCsv_GiveTheBuiltInLog()
    {
        var raw = TestData.RequireMovieLens1M();
        var builtIn = TestData.MovieLens1M();

        // examples/ml-1m/convert.sql writes the same data as Parquet, and as CSV/TSV/JSON lines with other column names.
        Directory.CreateDirectory(Path.Combine(_directory.Path, "parquet"));
        Directory.CreateDirectory(Path.Combine(_directory.Path, "renamed"));
        using (var connection = new DuckDBConnection("DataSource=:memory:"))
        {
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = $"SET file_search_path = '{raw}'; "
                + File.ReadAllText(RepositoryFiles.Path("examples/ml-1m/convert.sql"))
                    .Replace("'parquet/", $"'{_directory.Path}/parquet/", StringComparison.Ordinal)
                    .Replace("'renamed/", $"'{_directory.Path}/renamed/", StringComparison.Ordinal);
            command.ExecuteNonQuery();
        }

        foreach (var shape in new[] { "parquet", "renamed" })
        {
            var converted = SchemaDatasetLoader.Load(
                RepositoryFiles.Path($"examples/ml-1m/{shape}/schema.json"), Path.Combine(_directory.Path, shape), null, Path.Combine(Cache, shape));
            InteractionLogAssert.Equal(builtIn, converted.Log);
        }
    }

    private static void SamplesEqual(SampleSet expected, SampleSet actual)
    {
        Assert.Equal(expected.User, actual.User);
        Assert.Equal(expected.Position, actual.Position);
        Assert.Equal(expected.Item, actual.Item);
        Assert.Equal(expected.Label, actual.Label);
    }
}
