using FitCluster.Training.Data;
using FitCluster.Training.Data.Schema;
using Xunit;

namespace FitCluster.Training.Tests.Data;

/// <summary>
/// <c>--dataset taobao</c>: the built-in schema (<c>examples/taobao/schema.json</c>, <see cref="BuiltInSchemas.Taobao"/>)
/// over Tianchi-shaped files. The expectations are worked out by hand from the fixture below, not by another reader.
/// </summary>
public sealed class TaobaoTests : IDisposable
{
    // D = 2017-05-06 00:00 UTC+8; the test day (the 8th) starts at D + 7 days = 1494604800.
    private const long D = 1_494_000_000;
    private const long TestDay = D + (7 * 86_400);

    // Kept users (with a click): 5 -> 0, 10 -> 1, 30 -> 2; user 20 never clicks and is dropped.
    // Ad groups of kept page views: 100..600 -> items 1..6. Lines 11, 12 and 18 are malformed.
    internal static readonly string RawSample =
        "user,time_stamp,adgroup_id,pid,nonclk,clk\n" +
        $"10,{D + 500},300,430548_1007,0,1\n" +
        $"10,{D + 100},100,430539_1007,1,0\n" +
        $"20,{D + 200},600,430548_1007,1,0\n" +
        $"10,{D + 500},200,430548_1007,1,0\n" +
        $"10,{D + 86_400},100,430548_1007,0,1\n" +
        $"10,{TestDay + 10},400,430548_1007,1,0\n" +
        $"5,{TestDay + 20},500,430548_1007,0,1\n" +
        $"5,{D + 3_600},300,430539_1007,1,0\n" +
        "10,abc,100,430548_1007,1,0\n" +
        "10,1494000000,100,430548_1007,1\n" +
        $"30,{D + 1_000},200,430548_1007,0,1\n" +
        $"30,{D + 2_000},500,430548_1007,0,1\n" +
        $"30,{D + 3_000},300,430548_1007,0,1\n" +
        $"30,{D + 4_000},100,430548_1007,1,0\n" +
        $"30,{D + 2_000},600,430548_1007,1,0\n" +
        "30,1494001000,200,430548_1007,1,1\n";

    // 600 has no row; 700 is not in the page views; 800 is malformed.
    internal const string AdFeature =
        "adgroup_id,cate_id,campaign_id,customer,brand,price\n" +
        "100,6406,83237,1,95471,170.0\n" +
        "200,4520,387991,6,247789,199.0\n" +
        "300,6406,83237,1,NULL,29.9\n" +
        "400,1665,167151,8,NULL,38\n" +
        "500,4520,387991,6,247789,199.0\n" +
        "700,9999,1,1,1,1.0\n" +
        "800,bad,1,1,1,1.0\n";

    // The public header ends in a space; pvalue_level and new_user_class_level may be empty. User 5 has no row.
    internal const string UserProfile =
        "userid,cms_segid,cms_group_id,final_gender_code,age_level,pvalue_level,shopping_level,occupation,new_user_class_level \n" +
        "10,0,5,2,5,,3,0,3\n" +
        "30,13,1,1,1,1,3,0,\n" +
        "20,0,3,2,3,2,3,0,4\n" +
        "x,1,1,1,1,1,1,1,1\n";

    internal const string BehaviorLog =
        "user,time_stamp,btag,cate,brand\n" +
        "558157,1493741625,pv,6250,91286\n" +
        "728690,1493776998,cart,11800,62353\n";

    private readonly TempDirectory _directory = new("fitcluster-taobao");
    private readonly string _cache;

    public TaobaoTests()
    {
        Directory.CreateDirectory(_directory.Path);
        _cache = Path.Combine(_directory.Path, "cache");
    }

    public void Dispose() => _directory.Dispose();

    internal static void WriteFiles(string directory, bool gzip = false)
    {
        var suffix = gzip ? ".gz" : string.Empty;
        ProgressLines.WriteText(Path.Combine(directory, "raw_sample.csv" + suffix), RawSample, gzip);
        ProgressLines.WriteText(Path.Combine(directory, "ad_feature.csv" + suffix), AdFeature, gzip);
        ProgressLines.WriteText(Path.Combine(directory, "user_profile.csv" + suffix), UserProfile, gzip);
        ProgressLines.WriteText(Path.Combine(directory, "behavior_log.csv" + suffix), BehaviorLog, gzip);
    }

    [Fact]
    public void Load_TinyFiles_BehavioursAreEachKeptUsersClicksInTimeOrder()
    {
        WriteFiles(_directory.Path);
        var progress = new ProgressLines();

        var dataset = Load(_directory.Path, progress, _cache);

        var log = dataset.Log;
        Assert.Equal("taobao", log.Name);
        Assert.Equal(3, log.UserCount); // user 20 has no click
        Assert.Equal(["", "5", "10", "30"], log.UserFields[0].Labels);
        Assert.Equal(7, log.ItemVocabSize);
        Assert.Equal(["", "100", "200", "300", "400", "500", "600"], log.ItemKeys);
        Assert.Equal([0, 1, 3, 6], log.BehaviourOffsets);
        Assert.Equal([5, /* user 10 */ 3, 1, /* user 30 */ 2, 5, 3], log.BehaviourItems);
        Assert.Equal([1, 2, 3, 5], log.ActiveItems);
        // 16 lines: 2 DuckDB cannot parse (lines 10, 11), 1 with nonclk ≠ 1 − clk, user 20's single page view (no click).
        var report = dataset.Report.Select(l => l.Trim()).ToArray();
        Assert.Contains("data check: 14 rows read, 12 kept", report);
        Assert.Contains("dropped 2: malformed lines (DuckDB could not parse them)", report);
        Assert.Contains("dropped 1: missing or malformed label (not 0/1)", report);
        Assert.Contains("dropped 1 users with fewer than 1 behaviours (1 rows)", report);
        Assert.Contains(report, l => l.StartsWith("malformed: raw_sample.csv line 10:", StringComparison.Ordinal));
        Assert.Contains(report, l => l.StartsWith("malformed: raw_sample.csv line 11:", StringComparison.Ordinal));
        Assert.Contains("users table user_profile.csv: 2 of 3 users described, 1 rows of other or missing ids ignored, 1 malformed lines dropped", report);
        Assert.Contains(report, l => l.StartsWith("malformed: user_profile.csv line 5:", StringComparison.Ordinal));
        Assert.Contains("items table ad_feature.csv: 5 of 6 items described, 1 rows of other or missing ids ignored, 1 malformed lines dropped", report);
        Assert.Contains(report, l => l.StartsWith("malformed: ad_feature.csv line 8:", StringComparison.Ordinal));
        Assert.True(progress.Any("taobao: 3 users, 6 items, 6 behaviours, 12 impressions"), string.Join('\n', progress.Lines));
    }

    [Fact]
    public void Load_TinyFiles_PageViewsSeeOnlyClicksStrictlyBeforeTheirTime()
    {
        WriteFiles(_directory.Path);

        var dataset = Load(_directory.Path, null, _cache);

        var views = dataset.Impressions!;
        Assert.Equal([0, 0, 1, 1, 1, 1, 1, 2, 2, 2, 2, 2], views.User);
        Assert.Equal([3, 5, 1, 3, 2, 1, 4, 2, 5, 6, 3, 1], views.Item);
        Assert.Equal([0f, 1, 0, 1, 0, 1, 0, 1, 1, 0, 1, 0], views.Label); // clk
        Assert.Equal([0, 0, 1, 1, 1, 2, 3, 3, 4, 4, 5, 6], views.Position);
        Assert.Equal([D + 3_600, TestDay + 20, D + 100, D + 500, D + 500, D + 86_400, TestDay + 10, D + 1_000, D + 2_000, D + 2_000, D + 3_000, D + 4_000], dataset.ImpressionTimes!);

        int[][] histories =
        [
            [], [], // user 5: its only click is at the same second as the second page view, so not before it
            [], [], [], [3], [3, 1], // user 10: the clicks at D+500 are not in the history of the D+500 page views
            [], [2], [2], [2, 5], [2, 5, 3], // user 30
        ];
        for (var i = 0; i < views.Count; i++)
        {
            Assert.Equal(histories[i], SampleBuilder.History(dataset.Log, views.User[i], views.Position[i], 50).ToArray());
        }

        // Truncation keeps the latest clicks.
        Assert.Equal([5, 3], SampleBuilder.History(dataset.Log, 2, views.Position[11], 2).ToArray());
    }

    [Fact]
    public void Load_TinyFiles_BuildsUserProfileAndAdFeatureFields()
    {
        WriteFiles(_directory.Path);

        var log = Load(_directory.Path, null, _cache).Log;

        Assert.Equal(
            ["user_id", "cms_segid", "cms_group_id", "final_gender_code", "age_level", "pvalue_level", "shopping_level", "occupation", "new_user_class_level"],
            log.UserFields.Select(f => f.Name));
        Assert.Equal([1, 2, 3], log.UserFields[0].Values);
        Assert.Equal([0, 1, 2], log.UserFields[1].Values); // cms_segid 0 -> 1, 13 -> 2; user 5 has no profile
        Assert.Equal(["", "0", "13"], log.UserFields[1].Labels);
        Assert.Equal([0, 2, 1], log.UserFields[3].Values); // final_gender_code
        Assert.Equal([0, 0, 1], log.UserFields[5].Values); // pvalue_level: empty for user 10
        Assert.Equal([0, 1, 0], log.UserFields[8].Values); // new_user_class_level: empty for user 30

        Assert.Equal(["cate_id", "brand", "campaign_id", "customer"], log.ItemFields.Select(f => f.Name));
        Assert.Equal(["cate_id", "brand"], log.SequenceItemFields);
        Assert.Equal([0, 3, 2, 3, 1, 2, 0], log.ItemFields[0].Values); // 1665 -> 1, 4520 -> 2, 6406 -> 3; 600 has no row
        Assert.Equal(["", "1665", "4520", "6406"], log.ItemFields[0].Labels);
        Assert.Equal([0, 1, 2, 0, 0, 2, 0], log.ItemFields[1].Values); // brand NULL -> 0
        Assert.Equal([0, 1, 3, 1, 2, 3, 0], log.ItemFields[2].Values);
        Assert.Equal([0, 1, 2, 1, 3, 2, 0], log.ItemFields[3].Values);
    }

    [Fact]
    public void Split_LastDayIsTestAndTheRestTrain()
    {
        WriteFiles(_directory.Path);
        var dataset = Load(_directory.Path, null, _cache);

        Assert.Equal(1_494_604_800, dataset.TestStart); // 2017-05-13 00:00 UTC+8
        var splits = dataset.Split(new SampleBuilderOptions { ValidationFraction = 0 });

        Assert.Equal([0, 1], splits.Test.User);
        Assert.Equal([5, 4], splits.Test.Item);
        Assert.Equal([1f, 0], splits.Test.Label);
        Assert.Equal([0, 3], splits.Test.Position);
        Assert.Equal(10, splits.Train.Count);
        Assert.Equal([0, 1, 1, 1, 1, 2, 2, 2, 2, 2], splits.Train.User);
        Assert.Equal(0, splits.Validation.Count);

        var withValidation = dataset.Split(new SampleBuilderOptions { ValidationFraction = 0.2 });
        Assert.Equal(8, withValidation.Train.Count);
        Assert.Equal(2, withValidation.Validation.Count);
        Assert.Equal(splits.Test.Item, withValidation.Test.Item);

        var sliced = dataset.Split(new SampleBuilderOptions { ValidationFraction = 0, MaxUsers = 1, MaxSequenceLength = 7 });
        Assert.Equal([0], sliced.Train.User);
        Assert.Equal([0], sliced.Test.User);
        Assert.Equal(7, sliced.MaxSequenceLength);
    }

    [Fact]
    public void Load_GzipFiles_GiveTheSameDataset()
    {
        WriteFiles(_directory.Path);
        var plain = Load(_directory.Path, null, _cache);
        using var other = new TempDirectory("fitcluster-taobao-gz");
        Directory.CreateDirectory(other.Path);
        WriteFiles(other.Path, gzip: true);

        var compressed = Load(other.Path, null, Path.Combine(other.Path, "cache"));

        AssertSameDataset(plain, compressed);
    }

    [Fact]
    public void Load_SecondRun_ReadsTheCacheAndAChangedFileRebuildsIt()
    {
        WriteFiles(_directory.Path);
        var built = Load(_directory.Path, null, null); // default cache folder DIR/.fitcache
        Assert.True(File.Exists(Path.Combine(_directory.Path, ".fitcache", "schema-taobao-v1.bin")));

        var second = new ProgressLines();
        var cached = Load(_directory.Path, second, null);

        Assert.True(second.Any(": loaded"), string.Join('\n', second.Lines));
        Assert.False(second.Any("query:")); // nothing read again
        AssertSameDataset(built, cached);

        var profile = Path.Combine(_directory.Path, "user_profile.csv");
        File.WriteAllText(profile, UserProfile + "5,1,1,1,1,1,1,1,1\n");
        File.SetLastWriteTimeUtc(profile, DateTime.UtcNow.AddMinutes(1));
        var third = new ProgressLines();
        var rebuilt = Load(_directory.Path, third, null);

        Assert.True(third.Any("stale"), string.Join('\n', third.Lines));
        Assert.Equal([2, 1, 3], rebuilt.Log.UserFields[1].Values); // user 5 now has cms_segid 1 (0 -> 1, 1 -> 2, 13 -> 3)
    }

    [Fact]
    public void Load_WrongHeaderOrMissingFile_NamesTheFile()
    {
        WriteFiles(_directory.Path);
        File.WriteAllText(Path.Combine(_directory.Path, "ad_feature.csv"), AdFeature[(AdFeature.IndexOf('\n', StringComparison.Ordinal) + 1)..]);

        var header = Assert.Throws<SchemaException>(() => Load(_directory.Path, null, _cache));
        Assert.Contains("ad_feature.csv", header.Message, StringComparison.Ordinal);
        Assert.Contains("adgroup_id", header.Message, StringComparison.Ordinal); // the column the headless file lacks

        File.Delete(Path.Combine(_directory.Path, "user_profile.csv"));
        var missing = Assert.Throws<FileNotFoundException>(() => Load(_directory.Path, null, _cache));
        Assert.Contains("user_profile.csv", missing.Message, StringComparison.Ordinal);
    }

    private static SchemaDataset Load(string directory, IProgress<string>? progress, string? cache) =>
        SchemaDatasetLoader.Load(BuiltInSchemas.Taobao(directory), directory, progress, cache);

    private static void AssertSameDataset(SchemaDataset expected, SchemaDataset actual)
    {
        InteractionLogAssert.Equal(expected.Log, actual.Log);
        Assert.Equal(expected.Impressions!.User, actual.Impressions!.User);
        Assert.Equal(expected.Impressions!.Position, actual.Impressions!.Position);
        Assert.Equal(expected.Impressions!.Item, actual.Impressions!.Item);
        Assert.Equal(expected.Impressions!.Label, actual.Impressions!.Label);
        Assert.Equal(expected.ImpressionTimes, actual.ImpressionTimes);
    }
}
