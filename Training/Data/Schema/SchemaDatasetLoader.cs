using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using System.Text.RegularExpressions;
using DuckDB.NET.Data;

namespace FitCluster.Training.Data.Schema;

/// <summary>
/// Loads a dataset described by a <see cref="DatasetSchema"/>: DuckDB reads the files or runs the query, rows stream in
/// file order (bounded memory: the compact columns, never the text), the data checks build a <see cref="DataReport"/>,
/// and the result is an <see cref="InteractionLog"/> (plus impressions for <c>labelled-impressions</c>), cached.
/// </summary>
/// <remarks>
/// <para>Users get dense indices in ascending id order (integer ids numerically, text ordinally) and items 1..M the
/// same way, over the universe the schema chooses (the ids of the kept rows, or every id of a feature table). A user's
/// behaviours are in stable time order, ties in row order, exactly as the built-in loaders do.</para>
/// <para>The first user feature is always <c>user_id</c>; item ids are the item index. Thread-safe: no shared state.</para>
/// </remarks>
public static partial class SchemaDatasetLoader
{
    /// <summary>Version of the preprocessing; part of the cache key.</summary>
    public const int LoaderVersion = 1;

    private const int ProgressEvery = 1_000_000;

    /// <summary>Loads the dataset of <paramref name="schemaPath"/>, from the cache when it is current.</summary>
    /// <param name="schemaPath">The schema file.</param>
    /// <param name="dataDirectory">Where the schema's relative file names resolve; null for the schema's own folder.</param>
    /// <param name="progress">Receives progress, the data-check report and cache use.</param>
    /// <param name="cacheDirectory">Cache folder; null for <c>DATA/.fitcache</c>.</param>
    /// <exception cref="SchemaException">The schema is invalid or does not fit the data (cites the schema's line and column).</exception>
    /// <exception cref="InvalidDataException">The data has no usable behaviour.</exception>
    public static SchemaDataset Load(string schemaPath, string? dataDirectory, IProgress<string>? progress = null, string? cacheDirectory = null) =>
        Load(DatasetSchemaReader.Read(schemaPath), dataDirectory, progress, cacheDirectory);

    /// <summary>Loads the dataset of an already read <paramref name="schema"/> (a built-in one: <see cref="BuiltInSchemas"/>).</summary>
    /// <inheritdoc cref="Load(string, string?, IProgress{string}?, string?)"/>
    public static SchemaDataset Load(SchemaFile schema, string? dataDirectory, IProgress<string>? progress = null, string? cacheDirectory = null)
    {
        ArgumentNullException.ThrowIfNull(schema);
        var data = Path.GetFullPath(dataDirectory ?? Path.GetDirectoryName(schema.Path)!);
        if (!Directory.Exists(data))
        {
            throw new DirectoryNotFoundException($"--data {data}: no such folder (it should hold the files {schema.Path} names).");
        }

        var cachePath = DatasetCache.PathFor(data, cacheDirectory ?? ReadOnlyFallback(data), "schema-" + schema.Schema.Name, LoaderVersion);
        var reportPath = cachePath + ".report.txt";
        var sources = SourceFiles(schema, data); // listed once: the cache key and the gzip check read the same list
        var key = CacheKey(schema, data, sources);
        if (DatasetCache.TryRead(cachePath, key, progress) is { } cached)
        {
            var lines = File.Exists(reportPath) ? File.ReadAllLines(reportPath) : ["data check: (report of the first run not found beside the cache)"];
            foreach (var line in lines)
            {
                progress?.Report(line);
            }

            return new SchemaDataset(cached.Log, cached.Samples, cached.SampleTimes, TestStart(schema.Schema, cached.SampleTimes), lines);
        }

        var dataset = Parse(schema, data, sources, progress);
        if (DatasetCache.TryWrite(cachePath, key, new CachedDataset(dataset.Log, dataset.Impressions, dataset.ImpressionTimes), progress))
        {
            try
            {
                File.WriteAllLines(reportPath, dataset.Report);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                progress?.Report($"data check report not written beside the cache ({e.Message})");
            }
        }

        return dataset;
    }

    /// <summary>
    /// A data folder without write permission (a shared, read-only copy) keeps no cache inside it, even for root:
    /// the cache goes to <c>TMP/fitcluster-dataset-cache/&lt;hash of the folder&gt;</c> instead. Null for a writable folder.
    /// </summary>
    private static string? ReadOnlyFallback(string data)
    {
        if (OperatingSystem.IsWindows() || (File.GetUnixFileMode(data) & UnixFileMode.UserWrite) != 0)
        {
            return null;
        }

        var hash = Convert.ToHexString(SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(data)))[..16];
        return Path.Combine(Path.GetTempPath(), "fitcluster-dataset-cache", hash);
    }

    /// <summary>
    /// The cache key: the schema's bytes, the data folder, and each source file's name, size and time
    /// (<paramref name="sources"/>, from <see cref="SourceFiles"/>).
    /// </summary>
    private static string CacheKey(SchemaFile schema, string data, List<string> sources)
    {
        var hash = Convert.ToHexString(SHA256.HashData(schema.Text));
        return $"{DatasetCache.SourceKey(LoaderVersion, sources)}; schema {hash}; data {data}";
    }

    /// <summary>
    /// The files a schema reads: a table's file, the files its glob matches, and the files a query names in quotes —
    /// those that exist, in order.
    /// </summary>
    private static List<string> SourceFiles(SchemaFile schema, string data)
    {
        var files = new List<string>();
        foreach (var source in new TableSource?[] { schema.Schema.Behaviours, schema.Schema.Users, schema.Schema.Items })
        {
            if (source?.File is { } file)
            {
                files.AddRange(Matching(data, file));
            }
            else if (source?.Query is { } query)
            {
                // Only quoted text that names an existing file: a query's other strings (delimiters, regular expressions
                // with * or ?) are not globs.
                foreach (Match quoted in QuotedText().Matches(query))
                {
                    var path = Path.Combine(data, quoted.Groups[1].Value);
                    if (quoted.Groups[1].Value.Length > 0 && File.Exists(path))
                    {
                        files.Add(path);
                    }
                }
            }
        }

        return files;
    }

    private static IEnumerable<string> Matching(string data, string file)
    {
        var path = Path.Combine(data, file);
        if (file.IndexOfAny(['*', '?']) < 0)
        {
            return File.Exists(path) ? [path] : [];
        }

        var directory = Path.GetDirectoryName(path)!;
        return Directory.Exists(directory) ? Directory.GetFiles(directory, Path.GetFileName(path)).Order(StringComparer.Ordinal) : [];
    }

    private static long TestStart(DatasetSchema schema, long[]? impressionTimes)
    {
        var protocol = schema.Protocol ?? new ProtocolSpec();
        if (protocol.TestFrom is { } testFrom && DatasetSchemaReader.TryParseTime(testFrom, out var start))
        {
            return start;
        }

        return impressionTimes is null ? long.MaxValue : ImpressionSplit.LastDayStart(impressionTimes, TimeSpan.FromHours(protocol.UtcOffsetHours ?? 0));
    }

    private static SchemaDataset Parse(SchemaFile schemaFile, string data, List<string> sources, IProgress<string>? progress)
    {
        var schema = schemaFile.Schema;
        var spec = schema.Behaviours!;
        var protocol = schema.Protocol ?? new ProtocolSpec();
        var impressions = protocol.Kind == "labelled-impressions";
        var report = new DataReport { MinBehaviours = protocol.MinBehaviours ?? (impressions ? 1 : 2), DuplicatesDropped = spec.Duplicates == "drop" };
        var watch = Stopwatch.StartNew();
        foreach (var line in GzipCheck.Verify(sources, progress))
        {
            report.Note(line); // a truncated one stops here: DuckDB would read it up to the cut without a word
        }

        using var connection = new DuckDBConnection("DataSource=:memory:");
        connection.Open();
        SourceTable.Execute(connection, $"SET file_search_path = {SourceTable.Literal(data)}");
        var behaviours = SourceTable.Open(connection, schemaFile, spec, "$.behaviours", "fit_behaviours", data);
        var userTable = schema.Users is { } usersSpec ? SourceTable.Open(connection, schemaFile, usersSpec, "$.users", "fit_users", data) : null;
        var itemTable = schema.Items is { } itemsSpec ? SourceTable.Open(connection, schemaFile, itemsSpec, "$.items", "fit_items", data) : null;

        var userColumn = IdColumn(behaviours, spec.User!, "$.behaviours.user");
        var itemColumn = IdColumn(behaviours, spec.Item!, "$.behaviours.item");
        var userIdColumn = userTable is null ? default : IdColumn(userTable, schema.Users!.Id!, "$.users.id");
        var itemIdColumn = itemTable is null ? default : IdColumn(itemTable, schema.Items!.Id!, "$.items.id");
        var userIntegers = userColumn.Kind == ColumnType.Integer && (userTable is null || userIdColumn.Kind == ColumnType.Integer);
        var itemIntegers = itemColumn.Kind == ColumnType.Integer && (itemTable is null || itemIdColumn.Kind == ColumnType.Integer);

        var time = behaviours.Column(spec.Time!, "$.behaviours.time");
        if (time.Kind is not (ColumnType.Integer or ColumnType.Decimal or ColumnType.Temporal or ColumnType.Text))
        {
            throw behaviours.Error("$.behaviours.time", $"column '{time.Name}' is {time.Type}; a time is a number, a date, a timestamp or text holding one");
        }

        var timeSql = SourceTable.TimeExpression(time.Name, time.Kind);
        RequireSomeParse(connection, behaviours, time, timeSql, "$.behaviours.time", "time (a number, a date or a timestamp)");
        string? labelSql = null;
        if (spec.Label is { } labelName)
        {
            var label = behaviours.Column(labelName, "$.behaviours.label");
            if (label.Kind is not (ColumnType.Integer or ColumnType.Decimal or ColumnType.Boolean or ColumnType.Text))
            {
                throw behaviours.Error("$.behaviours.label", $"column '{label.Name}' is {label.Type}; a label is a boolean or 0/1");
            }

            labelSql = SourceTable.NumberExpression(label.Name, label.Kind);
            RequireSomeParse(connection, behaviours, label, labelSql, "$.behaviours.label", "label (a boolean or 0/1)");
        }

        var from = spec.TimeFrom is { } f && DatasetSchemaReader.TryParseTime(f, out var fromTime) ? fromTime : long.MinValue;
        var until = spec.TimeUntil is { } u && DatasetSchemaReader.TryParseTime(u, out var untilTime) ? untilTime : long.MaxValue;

        // 1. Stream the log in row order into compact columns: local user and item indices (first appearance), time, label.
        var users = EntityIds.Create(userIntegers);
        var items = EntityIds.Create(itemIntegers);
        var rowUser = new ChunkedColumn<int>();
        var rowItem = new ChunkedColumn<int>();
        var rowTime = new ChunkedColumn<long>();
        var rowLabel = new ChunkedColumn<byte>();
        var sql = $"SELECT {SourceTable.IdExpression(userColumn.Name, userIntegers)}, {SourceTable.IdExpression(itemColumn.Name, itemIntegers)}, {timeSql}"
            + (labelSql is null ? string.Empty : $", {labelSql}") + $" FROM {behaviours.View}";
        Stream(connection, behaviours, sql, "$.behaviours", reader =>
        {
            report.RowsRead++;
            if (report.RowsRead % ProgressEvery == 0)
            {
                progress?.Report(string.Create(CultureInfo.InvariantCulture, $"{behaviours.Title}: {report.RowsRead:N0} rows read ({watch.Elapsed.TotalSeconds:F1} s)"));
            }

            if (reader.IsDBNull(0) || reader.IsDBNull(1))
            {
                report.MissingIds++;
                return;
            }

            if (reader.IsDBNull(2))
            {
                report.MalformedTimes++;
                return;
            }

            byte label = 1;
            if (labelSql is not null)
            {
                var value = reader.IsDBNull(3) ? double.NaN : reader.GetDouble(3);
                if (value is not (0 or 1))
                {
                    report.MalformedLabels++;
                    return;
                }

                label = (byte)value;
            }

            var t = reader.GetInt64(2);
            if (t < from || t >= until)
            {
                report.TimeOutOfRange++;
                return;
            }

            if (!impressions && label == 0)
            {
                report.NegativeRows++;
                return;
            }

            rowUser.Add(users.Add(reader, 0));
            rowItem.Add(items.Add(reader, 1));
            rowTime.Add(t);
            rowLabel.Add(label);
        });

        var (rejected, examples) = behaviours.Rejected(connection);
        report.MalformedLines = rejected;
        foreach (var example in examples)
        {
            report.Note($"malformed: {example}");
        }

        progress?.Report(string.Create(CultureInfo.InvariantCulture,
            $"{behaviours.Title}: {report.RowsRead:N0} rows, {rowUser.Count:N0} usable, {users.Count:N0} users, {items.Count:N0} items ({watch.Elapsed.TotalSeconds:F1} s)"));

        // 2. Ids of feature tables whose universe is the table; rows of other ids are dropped.
        var userInTable = schema.Users is { Universe: "table" } ? TableIds(connection, userTable!, userIdColumn.Name, userIntegers, users, "$.users") : null;
        var itemInTable = schema.Items is { Universe: "table" } ? TableIds(connection, itemTable!, itemIdColumn.Name, itemIntegers, items, "$.items") : null;

        var localUsers = rowUser.DrainToArray();
        var localItems = rowItem.DrainToArray();
        var times = rowTime.DrainToArray();
        var labels = rowLabel.DrainToArray();
        for (var i = 0; i < localUsers.Length; i++)
        {
            if (userInTable is not null && !userInTable[localUsers[i]])
            {
                report.UnknownUsers++;
                localUsers[i] = -1;
            }
            else if (itemInTable is not null && !itemInTable[localItems[i]])
            {
                report.UnknownItems++;
                localUsers[i] = -1;
            }
        }

        // 3. Group by user in stable time order; mark duplicates (same user, time, item, label) and drop them if asked.
        var grouped = ChronologicalOrder.GroupByUser(localUsers, times, users.Count, out var localOffsets);
        var kept = MarkDuplicates(grouped, localOffsets, times, localItems, labels, report);

        // 4. Users: the universe, minus those with too few behaviours.
        var keepUser = new bool[users.Count];
        for (var local = 0; local < users.Count; local++)
        {
            var behaviourCount = 0;
            var rowCount = 0;
            for (var g = localOffsets[local]; g < localOffsets[local + 1]; g++)
            {
                if (kept[g])
                {
                    rowCount++;
                    behaviourCount += labels[grouped[g]];
                }
            }

            var inUniverse = userInTable?[local] ?? rowCount > 0;
            keepUser[local] = inUniverse && behaviourCount >= report.MinBehaviours;
            if (inUniverse && !keepUser[local])
            {
                report.UsersWithoutEnoughBehaviours++;
                report.RowsOfDroppedUsers += rowCount;
            }
        }

        var userRank = users.Ranks(keepUser, out var userCount);
        var keepItem = itemInTable ?? new bool[items.Count];
        if (itemInTable is null)
        {
            for (var g = 0; g < grouped.Length; g++)
            {
                keepItem[localItems[grouped[g]]] |= kept[g] && keepUser[localUsers[grouped[g]]];
            }
        }

        var itemRank = items.Ranks(keepItem, out var itemCount);
        var localOfUser = Inverse(userRank, userCount);

        // 5. The CSR behaviours in dense user order, and the impressions with their positions.
        var offsets = new int[userCount + 1];
        var behaviourItems = new ChunkedColumn<int>();
        var behaviourTimes = new ChunkedColumn<long>();
        var sampleUser = new ChunkedColumn<int>();
        var sampleItem = new ChunkedColumn<int>();
        var sampleLabel = new ChunkedColumn<byte>();
        var sampleTime = new ChunkedColumn<long>();
        var samplePosition = new ChunkedColumn<int>();
        for (var user = 0; user < userCount; user++)
        {
            var local = localOfUser[user];
            offsets[user] = behaviourItems.Count;
            for (var g = localOffsets[local]; g < localOffsets[local + 1]; g++)
            {
                var row = grouped[g];
                if (!kept[g])
                {
                    continue;
                }

                if (impressions)
                {
                    // Every behaviour earlier in time is already appended (rows are in time order); the history is those
                    // strictly before the impression's time, so a click in the same second is left out (as for Taobao).
                    sampleUser.Add(user);
                    sampleItem.Add(itemRank[localItems[row]] + 1);
                    sampleLabel.Add(labels[row]);
                    sampleTime.Add(times[row]);
                    samplePosition.Add(LowerBound(behaviourTimes, offsets[user], times[row]));
                }

                if (labels[row] == 1)
                {
                    behaviourItems.Add(itemRank[localItems[row]] + 1);
                    behaviourTimes.Add(times[row]);
                }
            }
        }

        offsets[userCount] = behaviourItems.Count;
        var itemVocabSize = itemCount + 1;
        var behaviourArray = behaviourItems.DrainToArray();
        report.RowsKept = impressions ? sampleUser.Count : behaviourArray.Length;
        if (behaviourArray.Length == 0)
        {
            throw new InvalidDataException($"{schemaFile.Path}: no usable behaviour in {behaviours.Title}.{Environment.NewLine}{report}");
        }

        // 6. Features.
        var userKeys = Keys(users, userRank, userCount, 0);
        var userIdValues = new int[userCount];
        for (var i = 0; i < userCount; i++)
        {
            userIdValues[i] = i + 1;
        }

        var userFields = new List<CategoricalField> { new("user_id", userCount + 1, 1, userIdValues) { Labels = ["", .. userKeys] } };
        if (userTable is not null)
        {
            userFields.AddRange(ReadFeatures(connection, userTable, schema.Users!, userIdColumn.Name, userIntegers, users, userRank, userCount, 0, "users", report));
        }

        var itemFields = itemTable is null ? []
            : ReadFeatures(connection, itemTable, schema.Items!, itemIdColumn.Name, itemIntegers, items, itemRank, itemCount, 1, "items", report);

        var log = new InteractionLog
        {
            Name = schema.Name!,
            UserCount = userCount,
            UserFields = userFields,
            ItemVocabSize = itemVocabSize,
            ItemFields = itemFields,
            SequenceItemFields = [.. schema.Items?.Attribute ?? []],
            BehaviourOffsets = offsets,
            BehaviourItems = behaviourArray,
            ActiveItems = InteractionLog.DistinctItems(behaviourArray, itemVocabSize),
            ItemKeys = ["", .. Keys(items, itemRank, itemCount, 0)],
        };

        SampleSet? samples = null;
        long[]? impressionTimes = null;
        if (impressions)
        {
            var labelFloats = Array.ConvertAll(sampleLabel.DrainToArray(), l => (float)l);
            samples = new SampleSet(sampleUser.DrainToArray(), samplePosition.DrainToArray(), sampleItem.DrainToArray(), labelFloats);
            impressionTimes = sampleTime.DrainToArray();
        }

        var lines = report.Lines();
        foreach (var line in lines)
        {
            progress?.Report(line);
        }

        progress?.Report(string.Create(CultureInfo.InvariantCulture,
            $"{schema.Name}: {userCount:N0} users, {itemCount:N0} items, {behaviourArray.Length:N0} behaviours{(impressions ? $", {samples!.Count:N0} impressions" : string.Empty)} ({watch.Elapsed.TotalSeconds:F1} s)"));
        return new SchemaDataset(log, samples, impressionTimes, TestStart(schema, impressionTimes), lines);
    }

    private static (string Name, string Type, ColumnType Kind) IdColumn(SourceTable table, string name, string keyPath)
    {
        var column = table.Column(name, keyPath);
        return column.Kind is ColumnType.List or ColumnType.Other
            ? throw table.Error(keyPath, $"column '{column.Name}' is {column.Type}; an id is an integer or text")
            : column;
    }

    /// <summary>A text column meant as a number or time must parse somewhere: a column where nothing does is the wrong column.</summary>
    private static void RequireSomeParse(DuckDBConnection connection, SourceTable table, (string Name, string Type, ColumnType Kind) column, string expression, string keyPath, string what)
    {
        if (column.Kind != ColumnType.Text)
        {
            return;
        }

        using var command = connection.CreateCommand();
        command.CommandText = $"SELECT count({SourceTable.Quote(column.Name)}), count({expression}), any_value({SourceTable.Quote(column.Name)}) FROM {table.View}";
        try
        {
            using var reader = command.ExecuteReader();
            reader.Read();
            if (reader.GetInt64(0) > 0 && reader.GetInt64(1) == 0)
            {
                throw table.Error(keyPath, $"column '{column.Name}' ({column.Type}) holds no {what}: for example '{reader.GetValue(2)}'");
            }
        }
        catch (DuckDBException e)
        {
            throw table.Error(keyPath, $"DuckDB cannot read column '{column.Name}' of {table.Title}: {e.Message.Split('\n')[0]}");
        }
    }

    private static void Stream(DuckDBConnection connection, SourceTable table, string sql, string jsonPath, Action<System.Data.Common.DbDataReader> row)
    {
        table.BeginScan(connection);
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.UseStreamingMode = true;
        try
        {
            using var reader = command.ExecuteReader();
            while (reader.Read())
            {
                row(reader);
            }
        }
        catch (DuckDBException e)
        {
            throw table.Error(jsonPath, $"DuckDB failed reading {table.Title}: {e.Message.Split('\n')[0]}");
        }
    }

    private static bool[] TableIds(DuckDBConnection connection, SourceTable table, string idColumn, bool integers, EntityIds ids, string jsonPath)
    {
        var local = new List<int>();
        Stream(connection, table, $"SELECT {SourceTable.IdExpression(idColumn, integers)} FROM {table.View}", jsonPath, reader => local.Add(ids.Add(reader, 0)));
        var inTable = new bool[ids.Count];
        foreach (var index in local)
        {
            if (index >= 0)
            {
                inTable[index] = true;
            }
        }

        return inTable;
    }

    private static bool[] MarkDuplicates(int[] grouped, int[] offsets, long[] times, int[] items, byte[] labels, DataReport report)
    {
        var kept = new bool[grouped.Length];
        Array.Fill(kept, true);
        var seen = new HashSet<(int Item, byte Label)>();
        for (var u = 0; u + 1 < offsets.Length; u++)
        {
            for (var runStart = offsets[u]; runStart < offsets[u + 1];)
            {
                var runEnd = runStart + 1;
                while (runEnd < offsets[u + 1] && times[grouped[runEnd]] == times[grouped[runStart]])
                {
                    runEnd++;
                }

                if (runEnd - runStart > 1)
                {
                    seen.Clear();
                    for (var g = runStart; g < runEnd; g++)
                    {
                        if (!seen.Add((items[grouped[g]], labels[grouped[g]])))
                        {
                            report.Duplicates++;
                            kept[g] = !report.DuplicatesDropped;
                        }
                    }
                }

                runStart = runEnd;
            }
        }

        return kept;
    }

    private static int[] Inverse(int[] rank, int count)
    {
        var local = new int[count];
        for (var i = 0; i < rank.Length; i++)
        {
            if (rank[i] >= 0)
            {
                local[rank[i]] = i;
            }
        }

        return local;
    }

    private static string[] Keys(EntityIds ids, int[] rank, int count, int offset)
    {
        var keys = new string[count + offset];
        for (var local = 0; local < rank.Length; local++)
        {
            if (rank[local] >= 0)
            {
                keys[rank[local] + offset] = ids.Key(local);
            }
        }

        return keys;
    }

    /// <summary>Index of the first of the behaviours appended since <paramref name="start"/> whose time is ≥ <paramref name="time"/>.</summary>
    private static int LowerBound(ChunkedColumn<long> times, int start, long time)
    {
        int low = start, high = times.Count;
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

    [GeneratedRegex("'([^']*)'")]
    private static partial Regex QuotedText();
}
