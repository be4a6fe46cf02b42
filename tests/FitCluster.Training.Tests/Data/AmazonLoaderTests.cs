using FitCluster.Training.Data;
using Xunit;

namespace FitCluster.Training.Tests.Data;

public sealed class AmazonLoaderTests : IDisposable
{
    // reviewerID -> user index (ordinal): A1AE6UP0G1PLNY -> 0, A2SUAM1J3GNN3B -> 1, AO94DHGC771SJ -> 2.
    // asin -> item index (ordinal): 0528881469 -> 1, 0594451647 -> 2, 0972683275 -> 3, B00000J1V5 -> 4, B00001P4ZH -> 5.
    // User 0: 100 (2), 200 (1), 200 (4: tie, later line); user 1: 100 (1), 300 (3), 300 (4: tie, later line);
    // user 2: 50 (5), 60 (2). Lines 7, 9 and 11 are malformed (truncated JSON, no unixReviewTime, not JSON).
    internal const string Reviews =
        """
        {"reviewerID": "A2SUAM1J3GNN3B", "asin": "0972683275", "reviewerName": "J. McDonald", "helpful": [2, 3], "reviewText": "I bought this for my husband who plays the piano.", "overall": 5.0, "summary": "Heavenly", "unixReviewTime": 300, "reviewTime": "09 13, 2009"}
        {"reviewerID": "A1AE6UP0G1PLNY", "asin": "0528881469", "helpful": [0, 0], "reviewText": "Works {fine}, \"really\".", "overall": 4.0, "summary": "ok", "unixReviewTime": 200, "reviewTime": "05 17, 2013"}
        {"reviewerID": "A1AE6UP0G1PLNY", "asin": "0594451647", "reviewerName": "Alan", "helpful": [1, 1], "reviewText": "", "overall": 1.0, "summary": "bad", "unixReviewTime": 100, "reviewTime": "01 01, 2010"}
        {"reviewerID": "A2SUAM1J3GNN3B", "asin": "0528881469", "helpful": [0, 0], "reviewText": "x", "overall": 3.0, "summary": "meh", "unixReviewTime": 100, "reviewTime": "01 01, 2010"}
        {"reviewerID": "A1AE6UP0G1PLNY", "asin": "B00000J1V5", "helpful": [0, 0], "reviewText": "y", "overall": 5.0, "summary": "good", "unixReviewTime": 200, "reviewTime": "05 17, 2013"}
        {"reviewerID": "AO94DHGC771SJ", "asin": "B00001P4ZH", "reviewerName": "amazdnu", "helpful": [0, 0], "reviewText": "z", "overall": 5.0, "summary": "great", "unixReviewTime": 50, "reviewTime": "06 02, 2012"}
        {"reviewerID": "A1AE6UP0G1PLNY", "asin": 
        {"reviewerID": "A2SUAM1J3GNN3B", "asin": "B00000J1V5", "helpful": [0, 0], "reviewText": "w", "overall": 2.0, "summary": "hmm", "unixReviewTime": 300, "reviewTime": "01 01, 2010"}
        {"reviewerID": "AO94DHGC771SJ", "asin": "0528881469", "overall": 3.0}
        {"reviewerID": "AO94DHGC771SJ", "asin": "0594451647", "helpful": [0, 0], "reviewText": "v", "overall": 4.0, "summary": "fine", "unixReviewTime": 60, "reviewTime": "06 02, 2012"}
        garbage

        """;

    // Python literals (one starting with a double-quoted key), one strict JSON line, an unreviewed item, two malformed
    // lines, and no line for B00000J1V5. Category = last element of the last path:
    // 0528881469 -> Trucking GPS, 0594451647 -> Cables & Accessories, 0972683275 -> Mounts, B00001P4ZH -> Cables & Accessories.
    internal const string Metadata =
        """
        {'asin': '0528881469', 'title': "Rand McNally 528881469 7-inch Intelliroute TND 700 Truck GPS", 'price': 299.99, 'imUrl': 'http://ecx.images-amazon.com/images/I/51FnRkJqzOL._SY300_.jpg', 'related': {'also_viewed': ['B006ZOI9OY', 'B00C7FKT2A'], 'bought_together': ['B0031KBMSA']}, 'salesRank': {'Electronics': 123}, 'categories': [['Electronics', 'Car & Vehicle Electronics', 'Car Electronics', 'Car Video'], ['Electronics', 'GPS & Navigation', 'Trucking GPS']]}
        {'asin': '0594451647', 'title': 'Barnes & Noble HDTV Adapter Kit', 'description': 'It\'s a "kit"\nwith \\ escapes \xe9', 'categories': [['Electronics', 'Computers & Accessories', 'Cables & Accessories']], 'brand': None, 'inStock': True}
        {"asin": "0972683275", "categories": [["Electronics", "Television & Video", "Mounts"]], "title": "VideoSecu TV Mount", "price": 28.99, "available": true}
        {"asin": 'B00001P4ZH', "title": "Koss Porta Pro", 'categories': [['Electronics', 'Computers & Accessories', 'Cables & Accessories']]}
        {'asin': 'B00XXXXXXX', 'categories': [['Electronics', 'Other']]}
        {'asin': '0000000001', 'categories': [['Electronics'
        {'title': 'no asin'}

        """;

    private readonly TempDirectory _directory = new("fitcluster-amazon");
    private readonly string _cache;

    public AmazonLoaderTests()
    {
        Directory.CreateDirectory(_directory.Path);
        _cache = Path.Combine(_directory.Path, "cache");
    }

    public void Dispose() => _directory.Dispose();

    internal static void WriteFiles(string directory, bool gzipReviews = false, bool gzipMetadata = true)
    {
        ProgressLines.WriteText(Path.Combine(directory, "reviews_Electronics_5.json" + (gzipReviews ? ".gz" : string.Empty)), Reviews, gzipReviews);
        ProgressLines.WriteText(Path.Combine(directory, "meta_Electronics.json" + (gzipMetadata ? ".gz" : string.Empty)), Metadata, gzipMetadata);
    }

    [Fact]
    public void Load_TinyFiles_OrdersReviewsByStableTimeSortAndCountsMalformedLines()
    {
        WriteFiles(_directory.Path);
        var progress = new ProgressLines();

        var log = AmazonLoader.Load(_directory.Path, AmazonSubset.Electronics, progress, _cache);

        Assert.Equal("amazon-electronics", log.Name);
        Assert.Equal(3, log.UserCount);
        Assert.Equal(6, log.ItemVocabSize);
        Assert.Equal([0, 3, 6, 8], log.BehaviourOffsets);
        Assert.Equal([2, 1, 4, /* user 1 */ 1, 3, 4, /* user 2 */ 5, 2], log.BehaviourItems);
        Assert.Equal([1, 2, 3, 4, 5], log.ActiveItems);
        Assert.Equal(["", "0528881469", "0594451647", "0972683275", "B00000J1V5", "B00001P4ZH"], log.ItemKeys);
        var userId = Assert.Single(log.UserFields);
        Assert.Equal("user_id", userId.Name);
        Assert.Equal([1, 2, 3], userId.Values);
        Assert.Equal(["", "A1AE6UP0G1PLNY", "A2SUAM1J3GNN3B", "AO94DHGC771SJ"], userId.Labels);
        Assert.True(progress.Any("reviews_Electronics_5.json: 8 reviews by 3 users of 5 items, 3 malformed lines skipped"), string.Join('\n', progress.Lines));
        Assert.True(progress.Any("meta_Electronics.json.gz: 5 items described, 4 of the 5 reviewed items have a category, 3 categories, 2 malformed lines skipped"), string.Join('\n', progress.Lines));
    }

    [Fact]
    public void Load_TinyFiles_CategoryIsTheLastElementOfTheLastPathFromBothMetadataForms()
    {
        WriteFiles(_directory.Path);

        var log = AmazonLoader.Load(_directory.Path, AmazonSubset.Electronics, null, _cache);

        var category = Assert.Single(log.ItemFields);
        Assert.Equal("category", category.Name);
        Assert.Equal(["category"], log.SequenceItemFields);
        Assert.Equal(["", "Cables & Accessories", "Mounts", "Trucking GPS"], category.Labels);
        Assert.Equal([0, 3, 1, 2, 0, 1], category.Values); // B00000J1V5 has no metadata line
    }

    [Fact]
    public void Load_GzipAndPlainFiles_GiveTheSameLog()
    {
        WriteFiles(_directory.Path, gzipReviews: false, gzipMetadata: false);
        var plain = AmazonLoader.Load(_directory.Path, AmazonSubset.Electronics, null, _cache);
        using var other = new TempDirectory("fitcluster-amazon-gz");
        Directory.CreateDirectory(other.Path);
        WriteFiles(other.Path, gzipReviews: true, gzipMetadata: true);

        var compressed = AmazonLoader.Load(other.Path, AmazonSubset.Electronics, null, Path.Combine(other.Path, "cache"));

        InteractionLogAssert.Equal(plain, compressed);
    }

    [Fact]
    public void Build_TinyLog_FollowsDinProtocolWithoutLeakingTestBehaviours()
    {
        WriteFiles(_directory.Path);
        var log = AmazonLoader.Load(_directory.Path, AmazonSubset.Electronics, null, _cache);

        var splits = SampleBuilder.Build(log, new SampleBuilderOptions { ValidationFraction = 0 });

        // User 0 [2 1 4]: train T=2 (position 1), test position 2; user 1 [1 3 4]: train position 4, test 5; user 2 [5 2]: test 7.
        Assert.Equal([0, 0, 1, 1], splits.Train.User);
        Assert.Equal([1, 1, 4, 4], splits.Train.Position);
        Assert.Equal([2, 2, 5, 5, 7, 7], splits.Test.Position);
        Assert.Equal([4, 4, 2], new[] { splits.Test.Item[0], splits.Test.Item[2], splits.Test.Item[4] });
        var neverReviewed = new Dictionary<int, int[]> { [0] = [3, 5], [1] = [2, 5], [2] = [1, 3, 4] };
        foreach (var set in new[] { splits.Train, splits.Test })
        {
            for (var i = 0; i < set.Count; i++)
            {
                Assert.Equal(i % 2 == 0 ? 1f : 0f, set.Label[i]);
                if (set.Label[i] == 0)
                {
                    Assert.Contains(set.Item[i], neverReviewed[set.User[i]]);
                }
            }
        }

        // Train histories end before each user's last (test) behaviour.
        for (var i = 0; i < splits.Train.Count; i++)
        {
            var history = SampleBuilder.History(log, splits.Train.User[i], splits.Train.Position[i], 50);
            Assert.DoesNotContain(log.BehaviourItems[log.BehaviourOffsets[splits.Train.User[i] + 1] - 1], history.ToArray());
        }
    }

    [Fact]
    public void Load_SecondRun_ReadsTheCacheAndAChangedFileRebuildsIt()
    {
        WriteFiles(_directory.Path);
        var first = new ProgressLines();
        var built = AmazonLoader.Load(_directory.Path, AmazonSubset.Electronics, first, _cache);
        Assert.True(first.Any("written"));
        Assert.True(File.Exists(Path.Combine(_cache, "amazon-electronics-v1.bin")));

        var second = new ProgressLines();
        var cached = AmazonLoader.Load(_directory.Path, AmazonSubset.Electronics, second, _cache);

        Assert.True(second.Any(": loaded"), string.Join('\n', second.Lines));
        Assert.False(second.Any("reviews by"));
        InteractionLogAssert.Equal(built, cached);

        // A new review changes the file's size and time: the cache is stale and the log rebuilt.
        File.AppendAllText(Path.Combine(_directory.Path, "reviews_Electronics_5.json"),
            "{\"reviewerID\": \"AO94DHGC771SJ\", \"asin\": \"0528881469\", \"overall\": 3.0, \"unixReviewTime\": 70}\n");
        File.SetLastWriteTimeUtc(Path.Combine(_directory.Path, "reviews_Electronics_5.json"), DateTime.UtcNow.AddMinutes(1));
        var third = new ProgressLines();
        var rebuilt = AmazonLoader.Load(_directory.Path, AmazonSubset.Electronics, third, _cache);

        Assert.True(third.Any("stale"), string.Join('\n', third.Lines));
        Assert.Equal([5, 2, 1], rebuilt.BehaviourItems[6..]);
    }

    [Fact]
    public void Load_CorruptCache_IsRebuilt()
    {
        WriteFiles(_directory.Path);
        var built = AmazonLoader.Load(_directory.Path, AmazonSubset.Electronics, null, _cache);
        var cacheFile = Path.Combine(_cache, "amazon-electronics-v1.bin");
        var bytes = File.ReadAllBytes(cacheFile);
        File.WriteAllBytes(cacheFile, bytes[..(bytes.Length / 2)]);
        var progress = new ProgressLines();

        var rebuilt = AmazonLoader.Load(_directory.Path, AmazonSubset.Electronics, progress, _cache);

        Assert.True(progress.Any("damaged"), string.Join('\n', progress.Lines));
        InteractionLogAssert.Equal(built, rebuilt);

        // One bit flipped inside the arrays (same length, every header intact): read as data before the checksum.
        bytes = File.ReadAllBytes(cacheFile);
        bytes[bytes.Length - 40] ^= 0x04; // before the 32-byte SHA-256: the last array's bytes
        File.WriteAllBytes(cacheFile, bytes);
        var flipped = new ProgressLines();

        var again = AmazonLoader.Load(_directory.Path, AmazonSubset.Electronics, flipped, _cache);

        Assert.True(flipped.Any("damaged (its SHA-256 does not match)"), string.Join('\n', flipped.Lines));
        InteractionLogAssert.Equal(built, again);
        var reread = new ProgressLines();
        InteractionLogAssert.Equal(built, AmazonLoader.Load(_directory.Path, AmazonSubset.Electronics, reread, _cache));
        Assert.True(reread.Any(": loaded"), string.Join('\n', reread.Lines)); // the rebuilt cache is whole again
    }

    [Fact]
    public void Load_MissingOrUnusableFile_NamesIt()
    {
        var missing = Assert.Throws<FileNotFoundException>(() => AmazonLoader.Load(_directory.Path, AmazonSubset.Books, null, _cache));
        Assert.Contains("reviews_Books_5.json", missing.Message, StringComparison.Ordinal);

        ProgressLines.WriteText(Path.Combine(_directory.Path, "reviews_Books_5.json"), "not json\n{\"asin\": 1}\n");
        ProgressLines.WriteText(Path.Combine(_directory.Path, "meta_Books.json"), Metadata);
        var unusable = Assert.Throws<InvalidDataException>(() => AmazonLoader.Load(_directory.Path, AmazonSubset.Books, null, _cache));
        Assert.Contains("reviews_Books_5.json: no usable line (2 malformed)", unusable.Message, StringComparison.Ordinal);

        // Gzip magic bytes followed by garbage: the decompressor fails, and the error names the file.
        File.WriteAllBytes(Path.Combine(_directory.Path, "reviews_Books_5.json.gz"), [0x1f, 0x8b, 0x08, 0x00, 0xde, 0xad, 0xbe, 0xef, 0x00, 0x00, 0x01, 0x02, 0x03]);
        File.Delete(Path.Combine(_directory.Path, "reviews_Books_5.json"));
        var corrupt = Assert.Throws<InvalidDataException>(() => AmazonLoader.Load(_directory.Path, AmazonSubset.Books, null, _cache));
        Assert.Contains("reviews_Books_5.json.gz", corrupt.Message, StringComparison.Ordinal);

        // A complete file without its last 8 bytes (CRC-32 and length): every line is there, but the file was cut.
        // .NET's GZipStream reads it without a word; the load must stop and name it.
        var whole = new MemoryStream();
        using (var gzip = new System.IO.Compression.GZipStream(whole, System.IO.Compression.CompressionLevel.Optimal, leaveOpen: true))
        {
            gzip.Write(System.Text.Encoding.UTF8.GetBytes(Reviews));
        }

        File.WriteAllBytes(Path.Combine(_directory.Path, "reviews_Books_5.json.gz"), whole.ToArray()[..^8]);
        var cut = Assert.Throws<InvalidDataException>(() => AmazonLoader.Load(_directory.Path, AmazonSubset.Books, null, _cache));
        Assert.Contains("reviews_Books_5.json.gz", cut.Message, StringComparison.Ordinal);
        Assert.Contains("truncated or damaged", cut.Message, StringComparison.Ordinal);
    }
}
