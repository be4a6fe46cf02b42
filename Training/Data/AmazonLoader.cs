using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;

namespace FitCluster.Training.Data;

/// <summary>
/// Reads the 2014 Amazon review data (McAuley et al.; the 5-core review file and the metadata file of one subset) into an
/// <see cref="InteractionLog"/>: every review is a behaviour, each user's reviews in stable <c>unixReviewTime</c> order
/// (FIT §5.1.1, after DIN).
/// </summary>
/// <remarks>
/// <para>Files, plain or <c>.gz</c>: <c>reviews_&lt;Subset&gt;_5.json</c>, one strict JSON object per line with at least
/// <c>reviewerID</c>, <c>asin</c> and <c>unixReviewTime</c> (other keys such as <c>overall</c> and <c>reviewText</c> are
/// skipped); <c>meta_&lt;Subset&gt;.json</c>, one object per line in Python-literal form (<c>str(dict)</c>, single
/// quotes) or strict JSON, with <c>asin</c> and <c>categories</c> (a list of category paths).</para>
/// <para>Users are dense indices in ordinal <c>reviewerID</c> order; items are <c>1..M</c> in ordinal <c>asin</c> order
/// over the reviewed items (metadata of items nobody reviewed is ignored). User field: <c>user_id</c>. Item field:
/// <c>category</c>, the last category of the last path (<c>categories[-1][-1]</c>, what DIN's preprocessing keeps); 0 when
/// the item has no metadata line or no category. The category is also the sequence's item feature, as in DIN.</para>
/// <para>Malformed lines (bad JSON or literal, a missing or mistyped key) are skipped, counted and reported; a file with
/// no usable line at all, or missing, is an error naming it. The result is cached (see <see cref="DatasetCache"/>).
/// Thread-safe: no shared state.</para>
/// </remarks>
public static class AmazonLoader
{
    /// <summary>Version of the preprocessing; part of the cache key.</summary>
    public const int LoaderVersion = 1;

    /// <summary>Dataset name of <paramref name="subset"/> (<c>amazon-electronics</c>, <c>amazon-books</c>).</summary>
    public static string DatasetName(AmazonSubset subset) => "amazon-" + subset.ToString().ToLowerInvariant();

    /// <summary>The 5-core review file name, without <c>.gz</c>.</summary>
    public static string ReviewsFileName(AmazonSubset subset) => $"reviews_{subset}_5.json";

    /// <summary>The metadata file name, without <c>.gz</c>.</summary>
    public static string MetadataFileName(AmazonSubset subset) => $"meta_{subset}.json";

    /// <summary>Loads <paramref name="subset"/> from <paramref name="directory"/>, from the cache when it is current.</summary>
    /// <param name="directory">Folder with the review and metadata files.</param>
    /// <param name="subset">Which subset.</param>
    /// <param name="progress">Receives status lines: files read, malformed lines, cache use.</param>
    /// <param name="cacheDirectory">Cache folder; null for <c>DIR/.fitcache</c>.</param>
    /// <exception cref="FileNotFoundException">A file is missing.</exception>
    /// <exception cref="InvalidDataException">A file is unreadable or has no usable line.</exception>
    public static InteractionLog Load(string directory, AmazonSubset subset, IProgress<string>? progress = null, string? cacheDirectory = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        var title = $"Amazon {subset}";
        var reviewsPath = DatasetFiles.Require(directory, ReviewsFileName(subset), title);
        var metadataPath = DatasetFiles.Require(directory, MetadataFileName(subset), title);
        var cachePath = DatasetCache.PathFor(directory, cacheDirectory, DatasetName(subset), LoaderVersion);
        var key = DatasetCache.SourceKey(LoaderVersion, [reviewsPath, metadataPath]);
        if (DatasetCache.TryRead(cachePath, key, progress) is { } cached)
        {
            return cached.Log;
        }

        var log = Parse(DatasetName(subset), reviewsPath, metadataPath, progress);
        DatasetCache.TryWrite(cachePath, key, new CachedDataset(log, null, null), progress);
        return log;
    }

    /// <summary>
    /// The category DIN keeps from a metadata line's <c>categories</c> (the last element of the last path), or null.
    /// </summary>
    /// <param name="line">One metadata line, Python literal or strict JSON.</param>
    /// <param name="asin">The line's <c>asin</c>.</param>
    /// <returns>The category, or null when the line has none.</returns>
    /// <exception cref="FormatException">The line is neither form, or has no string <c>asin</c>.</exception>
    public static string? ParseMetadataLine(string line, out string asin)
    {
        ArgumentNullException.ThrowIfNull(line);
        var start = line.AsSpan().TrimStart();
        if (start.StartsWith('{') && start[1..].TrimStart().StartsWith('"'))
        {
            try
            {
                using var document = JsonDocument.Parse(line);
                return JsonCategory(document.RootElement, out asin);
            }
            catch (JsonException)
            {
                // A Python dict may also start with a double-quoted key (a title holding a single quote): try that form.
            }
        }

        if (PythonLiteral.Parse(line) is not Dictionary<string, object?> dict || !dict.TryGetValue("asin", out var id) || id is not string text)
        {
            throw new FormatException("not a dict with a string 'asin'");
        }

        asin = text;
        return dict.TryGetValue("categories", out var categories)
            && categories is List<object?> { Count: > 0 } paths
            && paths[^1] is List<object?> { Count: > 0 } path
            && path[^1] is string leaf && leaf.Length > 0
            ? leaf
            : null;
    }

    private static string? JsonCategory(JsonElement root, out string asin)
    {
        if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("asin", out var id) || id.ValueKind != JsonValueKind.String)
        {
            throw new FormatException("not an object with a string \"asin\"");
        }

        asin = id.GetString()!;
        if (root.TryGetProperty("categories", out var paths) && paths.ValueKind == JsonValueKind.Array && paths.GetArrayLength() > 0)
        {
            var path = paths[paths.GetArrayLength() - 1];
            if (path.ValueKind == JsonValueKind.Array && path.GetArrayLength() > 0)
            {
                var leaf = path[path.GetArrayLength() - 1];
                return leaf.ValueKind == JsonValueKind.String && leaf.GetString() is { Length: > 0 } name ? name : null;
            }
        }

        return null;
    }

    private static InteractionLog Parse(string name, string reviewsPath, string metadataPath, IProgress<string>? progress)
    {
        var reviews = ReadReviews(reviewsPath, progress);

        // Dense ids in ordinal order of the raw ids, independent of the file order.
        var userOrder = SortedRanks(reviews.UserNames);
        var itemOrder = SortedRanks(reviews.ItemNames);
        var count = reviews.Users.Count;
        var users = new int[count];
        for (var i = 0; i < count; i++)
        {
            users[i] = userOrder[reviews.Users[i]];
        }

        var userCount = reviews.UserNames.Count;
        var itemVocabSize = reviews.ItemNames.Count + 1;
        var rows = ChronologicalOrder.GroupByUser(users, CollectionsMarshal.AsSpan(reviews.Times), userCount, out var offsets);
        var behaviourItems = new int[rows.Length];
        for (var i = 0; i < rows.Length; i++)
        {
            behaviourItems[i] = itemOrder[reviews.Items[rows[i]]] + 1;
        }

        var itemKeys = new string[itemVocabSize];
        itemKeys[0] = string.Empty;
        for (var i = 0; i < reviews.ItemNames.Count; i++)
        {
            itemKeys[itemOrder[i] + 1] = reviews.ItemNames[i];
        }

        var userLabels = new string[userCount + 1];
        userLabels[0] = string.Empty;
        var userIdValues = new int[userCount];
        for (var i = 0; i < userCount; i++)
        {
            userLabels[userOrder[i] + 1] = reviews.UserNames[i];
            userIdValues[i] = i + 1;
        }

        var category = ReadCategories(metadataPath, itemKeys, progress);
        return new InteractionLog
        {
            Name = name,
            UserCount = userCount,
            UserFields = [new CategoricalField("user_id", userCount + 1, 1, userIdValues) { Labels = userLabels }],
            ItemVocabSize = itemVocabSize,
            ItemFields = [category],
            SequenceItemFields = [category.Name],
            BehaviourOffsets = offsets,
            BehaviourItems = behaviourItems,
            ActiveItems = InteractionLog.DistinctItems(behaviourItems, itemVocabSize),
            ItemKeys = itemKeys,
        };
    }

    private static ReviewColumns ReadReviews(string path, IProgress<string>? progress)
    {
        var columns = new ReviewColumns();
        var userIndex = new Dictionary<string, int>(StringComparer.Ordinal);
        var itemIndex = new Dictionary<string, int>(StringComparer.Ordinal);
        var malformed = new MalformedLines(path, progress);
        using var reader = RawLineReader.Open(path, progress);
        while (reader.TryReadLine(out var line))
        {
            if (!TryParseReview(line, out var reviewer, out var asin, out var time, out var problem))
            {
                malformed.Add(reader.LineNumber, problem, line);
                continue;
            }

            columns.Users.Add(IndexOf(userIndex, columns.UserNames, reviewer));
            columns.Items.Add(IndexOf(itemIndex, columns.ItemNames, asin));
            columns.Times.Add(time);
        }

        malformed.ThrowIfNothingValid(columns.Users.Count, "JSON objects with reviewerID, asin and unixReviewTime");
        progress?.Report(
            $"{Path.GetFileName(path)}: {columns.Users.Count:N0} reviews by {columns.UserNames.Count:N0} users of {columns.ItemNames.Count:N0} items{malformed.Summary()} ({reader.ElapsedSeconds:F1} s)");
        return columns;
    }

    private static CategoricalField ReadCategories(string path, string[] itemKeys, IProgress<string>? progress)
    {
        var itemIndex = new Dictionary<string, int>(itemKeys.Length, StringComparer.Ordinal);
        for (var item = 1; item < itemKeys.Length; item++)
        {
            itemIndex.Add(itemKeys[item], item);
        }

        var categories = new string[itemKeys.Length];
        Array.Fill(categories, string.Empty);
        var malformed = new MalformedLines(path, progress);
        long valid = 0;
        var described = 0;
        using var reader = RawLineReader.Open(path, progress);
        while (reader.TryReadLine(out var line))
        {
            string? category;
            string asin;
            try
            {
                category = ParseMetadataLine(Encoding.UTF8.GetString(line), out asin);
            }
            catch (FormatException e)
            {
                malformed.Add(reader.LineNumber, e.Message, line);
                continue;
            }

            valid++;
            if (itemIndex.TryGetValue(asin, out var item) && categories[item].Length == 0 && category is not null)
            {
                categories[item] = category;
                described++;
            }
        }

        malformed.ThrowIfNothingValid(valid, "one dict per line with 'asin' and 'categories'");
        var vocabulary = Vocabulary.Ordinal(categories);
        var values = new int[itemKeys.Length];
        for (var item = 1; item < values.Length; item++)
        {
            values[item] = categories[item].Length == 0 ? 0 : vocabulary[categories[item]];
        }

        progress?.Report(
            $"{Path.GetFileName(path)}: {valid:N0} items described, {described:N0} of the {itemKeys.Length - 1:N0} reviewed items have a category, {vocabulary.Count:N0} categories{malformed.Summary()} ({reader.ElapsedSeconds:F1} s)");
        return new CategoricalField("category", vocabulary.Count + 1, 1, values) { Labels = Vocabulary.Labels(vocabulary) };
    }

    private static bool TryParseReview(ReadOnlySpan<byte> line, out string reviewer, out string asin, out long time, out string problem)
    {
        reviewer = asin = string.Empty;
        time = 0;
        var found = 0;
        try
        {
            var reader = new Utf8JsonReader(line);
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                problem = "not a JSON object";
                return false;
            }

            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                if (reader.ValueTextEquals("reviewerID"u8))
                {
                    found |= reader.Read() && reader.TokenType == JsonTokenType.String ? 1 : 0;
                    reviewer = reader.TokenType == JsonTokenType.String ? reader.GetString()! : reviewer;
                }
                else if (reader.ValueTextEquals("asin"u8))
                {
                    found |= reader.Read() && reader.TokenType == JsonTokenType.String ? 2 : 0;
                    asin = reader.TokenType == JsonTokenType.String ? reader.GetString()! : asin;
                }
                else if (reader.ValueTextEquals("unixReviewTime"u8))
                {
                    found |= reader.Read() && reader.TokenType == JsonTokenType.Number && reader.TryGetInt64(out time) ? 4 : 0;
                }
                else
                {
                    reader.Read();
                    reader.Skip();
                }
            }

            if (reader.TokenType != JsonTokenType.EndObject || reader.Read())
            {
                problem = "not a single JSON object";
                return false;
            }
        }
        catch (JsonException e)
        {
            problem = "bad JSON: " + e.Message;
            return false;
        }

        problem = found != 7 ? "needs string reviewerID and asin and a number unixReviewTime"
            : reviewer.Length == 0 || asin.Length == 0 ? "empty reviewerID or asin"
            : string.Empty;
        return problem.Length == 0;
    }

    private static int IndexOf(Dictionary<string, int> index, List<string> names, string name)
    {
        ref var slot = ref CollectionsMarshal.GetValueRefOrAddDefault(index, name, out var exists);
        if (!exists)
        {
            slot = names.Count;
            names.Add(name);
        }

        return slot;
    }

    /// <summary>rank[i] = position of names[i] in ordinal order.</summary>
    private static int[] SortedRanks(List<string> names)
    {
        var order = new int[names.Count];
        for (var i = 0; i < order.Length; i++)
        {
            order[i] = i;
        }

        var keys = names.ToArray();
        Array.Sort(keys, order, StringComparer.Ordinal);
        var rank = new int[order.Length];
        for (var r = 0; r < order.Length; r++)
        {
            rank[order[r]] = r;
        }

        return rank;
    }

    private sealed class ReviewColumns
    {
        public List<int> Users { get; } = [];

        public List<int> Items { get; } = [];

        public List<long> Times { get; } = [];

        public List<string> UserNames { get; } = [];

        public List<string> ItemNames { get; } = [];
    }
}
