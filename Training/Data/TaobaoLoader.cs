using System.Runtime.InteropServices;

namespace FitCluster.Training.Data;

/// <summary>
/// Reads the public Taobao Display Ad Click files (Alibaba, Tianchi dataset 56) into a <see cref="TaobaoDataset"/>:
/// every page view of <c>raw_sample.csv</c> is a sample labelled with its <c>clk</c>, and its behaviour sequence is the
/// user's ad clicks before the page view's time, truncated to the latest L at batch time (FIT §5.1.1).
/// </summary>
/// <remarks>
/// <para><b>Click source.</b> The clicks are the <c>clk = 1</c> rows of <c>raw_sample.csv</c>: ad clicks on ad groups,
/// the same vocabulary and features as the candidates, so a behaviour is an item exactly as in ML-1M and Amazon, and the
/// sequence shares the candidate's embeddings (what FIT's early interaction needs). <c>behavior_log.csv</c> records item
/// page views, carts, favourites and purchases of shop items that are described only by (cate, brand), with no item id
/// in the ad vocabulary; it is not needed and is not read (only its header is checked when the file is present), which
/// also spares the 700 M-row pass. Users without any click are dropped, as in the paper.</para>
/// <para><b>Mapping.</b> Users are dense indices in ascending <c>user</c> id order over the kept users; items are
/// <c>1..M</c> in ascending <c>adgroup_id</c> order over the ad groups of their page views. A user's behaviours are their
/// clicked ad groups in stable time order. A page view's <see cref="SampleSet.Position"/> is the index of the user's
/// first click at a time ≥ the page view's, so its history is exactly the clicks strictly before it (a click is never in
/// its own history, and clicks in the same second as the page view are left out). A page view before the user's first
/// click has an empty history.</para>
/// <para><b>Features.</b> User fields: <c>user_id</c>, then the eight <c>user_profile.csv</c> columns (<c>cms_segid</c>,
/// <c>cms_group_id</c>, <c>final_gender_code</c>, <c>age_level</c>, <c>pvalue_level</c>, <c>shopping_level</c>,
/// <c>occupation</c>, <c>new_user_class_level</c>), 0 when the user has no profile row or the value is empty. Item
/// fields: <c>cate_id</c>, <c>brand</c> (<c>NULL</c> → 0), <c>campaign_id</c>, <c>customer</c>, 0 for an ad group missing
/// from <c>ad_feature.csv</c>; <c>cate_id</c> and <c>brand</c> also describe each behaviour of the sequence, as in DIN.
/// The continuous <c>price</c> and the context field <c>pid</c> are validated but not used: the dataset abstraction has
/// categorical user and item fields only.</para>
/// <para>Every file starts with its header; a wrong header is an error naming the file. Malformed data lines are
/// skipped, counted and reported. The result is cached (see <see cref="DatasetCache"/>). Thread-safe: no shared state.</para>
/// </remarks>
public static class TaobaoLoader
{
    /// <summary>Dataset name on the command line and in metrics.</summary>
    public const string DatasetName = "taobao";

    /// <summary>Version of the preprocessing; part of the cache key.</summary>
    public const int LoaderVersion = 1;

    /// <summary><c>user,time_stamp,adgroup_id,pid,nonclk,clk</c>: the page views (26.6 M rows).</summary>
    public const string RawSampleFileName = "raw_sample.csv";

    /// <summary><c>adgroup_id,cate_id,campaign_id,customer,brand,price</c>.</summary>
    public const string AdFeatureFileName = "ad_feature.csv";

    /// <summary><c>userid,cms_segid,cms_group_id,final_gender_code,age_level,pvalue_level,shopping_level,occupation,new_user_class_level</c>.</summary>
    public const string UserProfileFileName = "user_profile.csv";

    /// <summary><c>user,time_stamp,btag,cate,brand</c>: not needed (see the remarks); only its header is checked.</summary>
    public const string BehaviorLogFileName = "behavior_log.csv";

    private const long Missing = -1;

    private static readonly string[] s_rawSampleHeader = ["user", "time_stamp", "adgroup_id", "pid", "nonclk", "clk"];
    private static readonly string[] s_adFeatureHeader = ["adgroup_id", "cate_id", "campaign_id", "customer", "brand", "price"];
    private static readonly string[] s_behaviorLogHeader = ["user", "time_stamp", "btag", "cate", "brand"];

    private static readonly string[] s_userProfileHeader =
        ["userid", "cms_segid", "cms_group_id", "final_gender_code", "age_level", "pvalue_level", "shopping_level", "occupation", "new_user_class_level"];

    /// <summary>Item fields in <see cref="InteractionLog.ItemFields"/> order; the first two describe sequence behaviours.</summary>
    private static readonly string[] s_itemFieldNames = ["cate_id", "brand", "campaign_id", "customer"];

    /// <summary>Loads the Taobao files in <paramref name="directory"/>, from the cache when it is current.</summary>
    /// <param name="directory">Folder with <c>raw_sample.csv</c>, <c>ad_feature.csv</c> and <c>user_profile.csv</c> (each plain or .gz).</param>
    /// <param name="progress">Receives status lines: progress, malformed lines, counts, cache use.</param>
    /// <param name="cacheDirectory">Cache folder; null for <c>DIR/.fitcache</c>.</param>
    /// <exception cref="FileNotFoundException">A needed file is missing.</exception>
    /// <exception cref="InvalidDataException">A file is unreadable, has the wrong header, or has no usable line.</exception>
    public static TaobaoDataset Load(string directory, IProgress<string>? progress = null, string? cacheDirectory = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        const string title = "Taobao Display Ad Click";
        var rawSamplePath = DatasetFiles.Require(directory, RawSampleFileName, title);
        var adFeaturePath = DatasetFiles.Require(directory, AdFeatureFileName, title);
        var userProfilePath = DatasetFiles.Require(directory, UserProfileFileName, title);
        CheckBehaviorLog(directory, progress);

        var cachePath = DatasetCache.PathFor(directory, cacheDirectory, DatasetName, LoaderVersion);
        var key = DatasetCache.SourceKey(LoaderVersion, [rawSamplePath, adFeaturePath, userProfilePath]);
        if (DatasetCache.TryRead(cachePath, key, progress) is { Samples: { } samples, SampleTimes: { } times } cached)
        {
            return new TaobaoDataset(cached.Log, samples, times);
        }

        var dataset = Parse(rawSamplePath, adFeaturePath, userProfilePath, progress);
        DatasetCache.TryWrite(cachePath, key, new CachedDataset(dataset.Log, dataset.PageViews, dataset.PageViewTimes), progress);
        return dataset;
    }

    private static TaobaoDataset Parse(string rawSamplePath, string adFeaturePath, string userProfilePath, IProgress<string>? progress)
    {
        var pageViews = ReadRawSample(rawSamplePath, progress);
        var count = pageViews.Users.Count;
        var rawUsers = CollectionsMarshal.AsSpan(pageViews.Users);
        var rawItems = CollectionsMarshal.AsSpan(pageViews.Items);
        var times = CollectionsMarshal.AsSpan(pageViews.Times);
        var clicked = CollectionsMarshal.AsSpan(pageViews.Clicked);

        // Users with at least one click, dense in ascending id order; the others are dropped (FIT §5.1.1).
        var clickers = new HashSet<int>();
        for (var i = 0; i < count; i++)
        {
            if (clicked[i])
            {
                clickers.Add(rawUsers[i]);
            }
        }

        var userIds = clickers.ToArray();
        Array.Sort(userIds);
        var userIndex = IndexOf(userIds);
        var users = new int[count];
        var itemIds = new HashSet<int>();
        for (var i = 0; i < count; i++)
        {
            users[i] = userIndex.GetValueOrDefault(rawUsers[i], -1);
            if (users[i] >= 0)
            {
                itemIds.Add(rawItems[i]);
            }
        }

        var adGroups = itemIds.ToArray();
        Array.Sort(adGroups);
        var itemIndex = IndexOf(adGroups);
        var userCount = userIds.Length;
        var itemVocabSize = adGroups.Length + 1;

        // Behaviours: each kept user's clicks in stable time order.
        var clickUsers = new int[count];
        for (var i = 0; i < count; i++)
        {
            clickUsers[i] = clicked[i] ? users[i] : -1;
        }

        var clickRows = ChronologicalOrder.GroupByUser(clickUsers, times, userCount, out var offsets);
        var behaviourItems = new int[clickRows.Length];
        var clickTimes = new long[clickRows.Length];
        for (var i = 0; i < clickRows.Length; i++)
        {
            behaviourItems[i] = itemIndex[rawItems[clickRows[i]]] + 1;
            clickTimes[i] = times[clickRows[i]];
        }

        // Samples: every page view of a kept user, in (user, time) order; history = the clicks strictly before it.
        var viewRows = ChronologicalOrder.GroupByUser(users, times, userCount, out var viewOffsets);
        var sampleUser = new int[viewRows.Length];
        var samplePosition = new int[viewRows.Length];
        var sampleItem = new int[viewRows.Length];
        var sampleLabel = new float[viewRows.Length];
        var sampleTime = new long[viewRows.Length];
        for (var u = 0; u < userCount; u++)
        {
            var userClickTimes = clickTimes.AsSpan(offsets[u], offsets[u + 1] - offsets[u]);
            for (var s = viewOffsets[u]; s < viewOffsets[u + 1]; s++)
            {
                var row = viewRows[s];
                sampleUser[s] = u;
                sampleTime[s] = times[row];
                samplePosition[s] = offsets[u] + LowerBound(userClickTimes, times[row]);
                sampleItem[s] = itemIndex[rawItems[row]] + 1;
                sampleLabel[s] = clicked[row] ? 1f : 0f;
            }
        }

        progress?.Report(
            $"{RawSampleFileName}: kept {userCount:N0} users with clicks ({pageViews.UserCount - userCount:N0} without dropped), {viewRows.Length:N0} page views, {clickRows.Length:N0} clicks, {adGroups.Length:N0} ad groups");

        var itemFields = ReadAdFeatures(adFeaturePath, adGroups, progress);
        var userFields = ReadUserProfiles(userProfilePath, userIds, progress);
        var log = new InteractionLog
        {
            Name = DatasetName,
            UserCount = userCount,
            UserFields = userFields,
            ItemVocabSize = itemVocabSize,
            ItemFields = itemFields,
            SequenceItemFields = [s_itemFieldNames[0], s_itemFieldNames[1]],
            BehaviourOffsets = offsets,
            BehaviourItems = behaviourItems,
            ActiveItems = InteractionLog.DistinctItems(behaviourItems, itemVocabSize),
            ItemKeys = [string.Empty, .. Array.ConvertAll(adGroups, Text)],
        };
        return new TaobaoDataset(log, new SampleSet(sampleUser, samplePosition, sampleItem, sampleLabel), sampleTime);
    }

    private static PageViewColumns ReadRawSample(string path, IProgress<string>? progress)
    {
        var columns = new PageViewColumns();
        var users = new HashSet<int>();
        Span<Range> fields = stackalloc Range[s_rawSampleHeader.Length];
        using var reader = OpenWithHeader(path, s_rawSampleHeader, progress);
        var malformed = new MalformedLines(path, progress);
        while (reader.TryReadLine(out var line))
        {
            if (!CsvLine.TrySplit(line, fields))
            {
                malformed.Add(reader.LineNumber, $"expected {fields.Length} fields", line);
            }
            else if (!CsvLine.TryParse(line[fields[0]], out int user)
                || !CsvLine.TryParse(line[fields[1]], out long time)
                || !CsvLine.TryParse(line[fields[2]], out int adGroup)
                || !CsvLine.TryParse(line[fields[4]], out int noClick)
                || !CsvLine.TryParse(line[fields[5]], out int click))
            {
                malformed.Add(reader.LineNumber, "user, time_stamp, adgroup_id, nonclk and clk must be integers", line);
            }
            else if (click is not (0 or 1) || noClick != 1 - click)
            {
                malformed.Add(reader.LineNumber, "clk must be 0 or 1 and nonclk = 1 - clk", line);
            }
            else
            {
                columns.Users.Add(user);
                columns.Times.Add(time);
                columns.Items.Add(adGroup);
                columns.Clicked.Add(click == 1);
                users.Add(user);
            }
        }

        malformed.ThrowIfNothingValid(columns.Users.Count, string.Join(',', s_rawSampleHeader));
        columns.UserCount = users.Count;
        progress?.Report($"{RawSampleFileName}: {columns.Users.Count:N0} page views of {users.Count:N0} users{malformed.Summary()} ({reader.ElapsedSeconds:F1} s)");
        return columns;
    }

    // One raw-value column per field, every value Missing until a line describes its row.
    private static long[][] MissingColumns(int columns, int rows)
    {
        var raw = new long[columns][];
        for (var f = 0; f < columns; f++)
        {
            raw[f] = new long[rows];
            Array.Fill(raw[f], Missing);
        }

        return raw;
    }

    private static CategoricalField[] ReadAdFeatures(string path, int[] adGroups, IProgress<string>? progress)
    {
        var itemIndex = IndexOf(adGroups);
        var raw = MissingColumns(s_itemFieldNames.Length, adGroups.Length + 1);

        Span<Range> fields = stackalloc Range[s_adFeatureHeader.Length];
        using var reader = OpenWithHeader(path, s_adFeatureHeader, progress);
        var malformed = new MalformedLines(path, progress);
        long valid = 0;
        var described = 0;
        while (reader.TryReadLine(out var line))
        {
            if (!CsvLine.TrySplit(line, fields))
            {
                malformed.Add(reader.LineNumber, $"expected {fields.Length} fields", line);
                continue;
            }

            long brand = Missing;
            if (!CsvLine.TryParse(line[fields[0]], out int adGroup)
                || !CsvLine.TryParse(line[fields[1]], out long category)
                || !CsvLine.TryParse(line[fields[2]], out long campaign)
                || !CsvLine.TryParse(line[fields[3]], out long customer)
                || !(line[fields[4]].SequenceEqual("NULL"u8) || CsvLine.TryParse(line[fields[4]], out brand))
                || !double.TryParse(line[fields[5]], System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out _))
            {
                malformed.Add(reader.LineNumber, "adgroup_id, cate_id, campaign_id, customer must be integers, brand an integer or NULL, price a number", line);
                continue;
            }

            valid++;
            if (itemIndex.TryGetValue(adGroup, out var row) && raw[0][row + 1] == Missing)
            {
                raw[0][row + 1] = category;
                raw[1][row + 1] = brand;
                raw[2][row + 1] = campaign;
                raw[3][row + 1] = customer;
                described++;
            }
        }

        malformed.ThrowIfNothingValid(valid, string.Join(',', s_adFeatureHeader));
        progress?.Report(
            $"{AdFeatureFileName}: {valid:N0} ad groups, {described:N0} of the {adGroups.Length:N0} in the page views described{malformed.Summary()}");
        var itemFields = new CategoricalField[raw.Length];
        for (var f = 0; f < raw.Length; f++)
        {
            itemFields[f] = Vocabulary.Field(s_itemFieldNames[f], raw[f], Missing);
        }

        return itemFields;
    }

    private static CategoricalField[] ReadUserProfiles(string path, int[] userIds, IProgress<string>? progress)
    {
        var userIndex = IndexOf(userIds);
        var fieldCount = s_userProfileHeader.Length - 1;
        var raw = MissingColumns(fieldCount, userIds.Length);

        Span<Range> fields = stackalloc Range[s_userProfileHeader.Length];
        Span<long> values = stackalloc long[fieldCount];
        using var reader = OpenWithHeader(path, s_userProfileHeader, progress);
        var malformed = new MalformedLines(path, progress);
        long valid = 0;
        var described = 0;
        while (reader.TryReadLine(out var line))
        {
            if (!CsvLine.TrySplit(line, fields))
            {
                malformed.Add(reader.LineNumber, $"expected {fields.Length} fields", line);
                continue;
            }

            var ok = CsvLine.TryParse(line[fields[0]], out int user);
            for (var f = 0; ok && f < fieldCount; f++)
            {
                var text = line[fields[f + 1]].Trim(" "u8);
                values[f] = Missing;
                ok = text.IsEmpty || CsvLine.TryParse(text, out values[f]);
            }

            if (!ok)
            {
                malformed.Add(reader.LineNumber, "userid must be an integer and the profile fields integers or empty", line);
                continue;
            }

            valid++;
            if (userIndex.TryGetValue(user, out var u) && !Described(raw, u))
            {
                for (var f = 0; f < fieldCount; f++)
                {
                    raw[f][u] = values[f];
                }

                described++;
            }
        }

        malformed.ThrowIfNothingValid(valid, string.Join(',', s_userProfileHeader));
        progress?.Report(
            $"{UserProfileFileName}: {valid:N0} profiles, {described:N0} of the {userIds.Length:N0} kept users described{malformed.Summary()}");

        var userIdValues = new int[userIds.Length];
        for (var u = 0; u < userIdValues.Length; u++)
        {
            userIdValues[u] = u + 1;
        }

        var userFields = new CategoricalField[fieldCount + 1];
        userFields[0] = new CategoricalField("user_id", userIds.Length + 1, 1, userIdValues) { Labels = [string.Empty, .. Array.ConvertAll(userIds, Text)] };
        for (var f = 0; f < fieldCount; f++)
        {
            userFields[f + 1] = Vocabulary.Field(s_userProfileHeader[f + 1], raw[f], Missing);
        }

        return userFields;
    }

    private static bool Described(long[][] raw, int user)
    {
        foreach (var column in raw)
        {
            if (column[user] != Missing)
            {
                return true;
            }
        }

        return false;
    }

    private static void CheckBehaviorLog(string directory, IProgress<string>? progress)
    {
        if (DatasetFiles.Find(directory, BehaviorLogFileName) is not { } path)
        {
            return;
        }

        using var reader = RawLineReader.Open(path, progress: null);
        var ok = reader.TryReadLine(out var header) && CsvLine.IsHeader(header, s_behaviorLogHeader);
        progress?.Report(ok
            ? $"{BehaviorLogFileName}: present, header checked, not read (the sequences are raw_sample's ad clicks)"
            : $"{BehaviorLogFileName}: present but its first line is not the header {string.Join(',', s_behaviorLogHeader)}; not read (not needed)");
    }

    private static RawLineReader OpenWithHeader(string path, string[] header, IProgress<string>? progress)
    {
        var reader = RawLineReader.Open(path, progress);
        if (!reader.TryReadLine(out var line) || !CsvLine.IsHeader(line, header))
        {
            reader.Dispose();
            throw new InvalidDataException($"{path}: the first line must be the header '{string.Join(',', header)}'.");
        }

        return reader;
    }

    /// <summary>Number of values in the sorted <paramref name="times"/> that are below <paramref name="time"/>.</summary>
    private static int LowerBound(ReadOnlySpan<long> times, long time)
    {
        int low = 0, high = times.Length;
        while (low < high)
        {
            var mid = (low + high) >>> 1;
            if (times[mid] < time)
            {
                low = mid + 1;
            }
            else
            {
                high = mid;
            }
        }

        return low;
    }

    private static Dictionary<int, int> IndexOf(int[] sortedIds)
    {
        var index = new Dictionary<int, int>(sortedIds.Length);
        for (var i = 0; i < sortedIds.Length; i++)
        {
            index.Add(sortedIds[i], i);
        }

        return index;
    }

    private static string Text(int value) => value.ToString(System.Globalization.CultureInfo.InvariantCulture);

    private sealed class PageViewColumns
    {
        public List<int> Users { get; } = [];

        public List<long> Times { get; } = [];

        public List<int> Items { get; } = [];

        public List<bool> Clicked { get; } = [];

        public int UserCount { get; set; }
    }
}
