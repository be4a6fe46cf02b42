using System.Globalization;
using DuckDB.NET.Data;

namespace FitCluster.Training.Data.Schema;

public static partial class SchemaDatasetLoader
{
    private const long MissingInteger = long.MinValue;
    private const char ListSeparator = '\u001f';

    /// <summary>
    /// Reads a feature table's features for the kept entities (those with a <paramref name="rank"/>; the first row of an
    /// id wins); <paramref name="offset"/> is 0 for users (row = index) and 1 for items (row 0 is the padding item).
    /// </summary>
    private static CategoricalField[] ReadFeatures(
        DuckDBConnection connection, SourceTable table, FeatureTable spec, string idColumn, bool integers, EntityIds ids, int[] rank, int count, int offset,
        string entities, DataReport report)
    {
        var features = spec.Features ?? [];
        var readers = new FeatureColumn[features.Count];
        var select = new List<string> { SourceTable.IdExpression(idColumn, integers) };
        for (var f = 0; f < features.Count; f++)
        {
            var keyPath = $"{table.JsonPath}.features[{f}]";
            var feature = features[f];
            var column = table.Column(feature.Column ?? feature.Name!, feature.Column is null ? $"{keyPath}.name" : $"{keyPath}.column");
            readers[f] = FeatureColumn.Create(table, feature, column, keyPath, count + offset);
            select.Add(readers[f].Sql);
        }

        var described = new bool[count + offset];
        long duplicateRows = 0;
        long otherRows = 0;
        Stream(connection, table, $"SELECT {string.Join(", ", select)} FROM {table.View}", table.JsonPath, reader =>
        {
            var local = ids.Find(reader, 0);
            if (local < 0 || rank[local] < 0)
            {
                otherRows++;
                return;
            }

            var row = rank[local] + offset;
            if (described[row])
            {
                duplicateRows++;
                return;
            }

            described[row] = true;
            for (var f = 0; f < readers.Length; f++)
            {
                readers[f].Read(reader, f + 1, row);
            }
        });

        var (rejected, examples) = table.Rejected(connection);
        var describedCount = described.Count(d => d);
        var note = F($"{entities} table {table.Title}: {describedCount:N0} of {count:N0} {entities} described");
        note += duplicateRows > 0 ? F($", {duplicateRows:N0} repeated rows ignored (first row wins)") : string.Empty;
        note += otherRows > 0 ? F($", {otherRows:N0} rows of other or missing ids ignored") : string.Empty;
        note += rejected > 0 ? F($", {rejected:N0} malformed lines dropped") : string.Empty;
        report.Note(note);
        foreach (var example in examples)
        {
            report.Note($"malformed: {example}");
        }

        var fields = new CategoricalField[readers.Length];
        for (var f = 0; f < readers.Length; f++)
        {
            fields[f] = readers[f].Build(offset, report, entities, count - describedCount);
        }

        return fields;
    }

    private static string F(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);

    /// <summary>One feature's raw values per entity row and how they become vocabulary indices.</summary>
    private abstract class FeatureColumn(FeatureSpec spec)
    {
        protected FeatureSpec Spec { get; } = spec;

        public abstract string Sql { get; }

        protected long Missing { get; set; }

        protected long Unseen { get; set; }

        public static FeatureColumn Create(SourceTable table, FeatureSpec spec, (string Name, string Type, ColumnType Kind) column, string keyPath, int rows)
        {
            switch (spec.Kind)
            {
                case "numeric":
                    if (column.Kind is not (ColumnType.Integer or ColumnType.Decimal or ColumnType.Boolean or ColumnType.Text))
                    {
                        throw table.Error($"{keyPath}.kind", $"column '{column.Name}' is {column.Type}; a numeric feature needs numbers");
                    }

                    return new Numeric(spec, SourceTable.NumberExpression(column.Name, column.Kind), rows);
                case "multi-valued":
                    if (column.Kind == ColumnType.List)
                    {
                        return new MultiValued(spec, SourceTable.JoinedList(column.Name), ListSeparator.ToString(), rows);
                    }

                    if (column.Kind is ColumnType.Other)
                    {
                        throw table.Error($"{keyPath}.kind", $"column '{column.Name}' is {column.Type}; a multi-valued feature is a list or text with a separator");
                    }

                    return spec.Separator is { } separator
                        ? new MultiValued(spec, SourceTable.Text(column.Name), separator, rows)
                        : throw table.Error(keyPath, $"column '{column.Name}' is {column.Type}, not a list: give the 'separator' of its values");
                default:
                    if (column.Kind is ColumnType.List or ColumnType.Other)
                    {
                        throw table.Error($"{keyPath}.kind", $"column '{column.Name}' is {column.Type}; a categorical feature has one value per row (a list is multi-valued)");
                    }

                    return column.Kind == ColumnType.Integer && spec.Values is null
                        ? new IntegerCategorical(spec, $"CAST({SourceTable.Quote(column.Name)} AS BIGINT)", rows)
                        : new TextCategorical(spec, $"NULLIF(trim({SourceTable.Text(column.Name)}), '')", rows);
            }
        }

        public abstract void Read(System.Data.Common.DbDataReader reader, int ordinal, int row);

        public CategoricalField Build(int offset, DataReport report, string entities, int withoutRow)
        {
            var field = BuildField(offset);
            var missing = Missing + withoutRow;
            if (missing > 0 || Unseen > 0)
            {
                var note = F($"feature {Spec.Name}: {field.VocabSize - 1:N0} values");
                note += missing > 0 ? F($", {missing:N0} {entities} missing it (index 0)") : string.Empty;
                note += Unseen > 0 ? F($", {Unseen:N0} {entities} with a value outside its vocabulary or unparsable (index 0)") : string.Empty;
                report.Note(note);
            }

            return field;
        }

        protected abstract CategoricalField BuildField(int offset);

        protected void Seen(bool missing)
        {
            if (missing)
            {
                Missing++;
            }
        }
    }

    private sealed class IntegerCategorical(FeatureSpec spec, string sql, int rows) : FeatureColumn(spec)
    {
        private readonly long[] _values = Filled(rows);

        public override string Sql => sql;

        public override void Read(System.Data.Common.DbDataReader reader, int ordinal, int row)
        {
            Seen(reader.IsDBNull(ordinal));
            _values[row] = reader.IsDBNull(ordinal) ? MissingInteger : reader.GetInt64(ordinal);
        }

        protected override CategoricalField BuildField(int offset) => Vocabulary.Field(Spec.Name!, _values, MissingInteger);

        private static long[] Filled(int rows)
        {
            var values = new long[rows];
            Array.Fill(values, MissingInteger);
            return values;
        }
    }

    private sealed class TextCategorical(FeatureSpec spec, string sql, int rows) : FeatureColumn(spec)
    {
        private readonly string[] _values = Filled(rows);

        public override string Sql => sql;

        public override void Read(System.Data.Common.DbDataReader reader, int ordinal, int row)
        {
            Seen(reader.IsDBNull(ordinal));
            _values[row] = reader.IsDBNull(ordinal) ? string.Empty : reader.GetString(ordinal);
        }

        protected override CategoricalField BuildField(int offset)
        {
            var vocabulary = Spec.Values is { } fixedValues ? Fixed(fixedValues) : Vocabulary.Ordinal(_values);
            var values = new int[_values.Length];
            for (var row = offset; row < values.Length; row++)
            {
                if (_values[row].Length > 0 && !vocabulary.TryGetValue(_values[row], out values[row]))
                {
                    Unseen++;
                }
            }

            return new CategoricalField(Spec.Name!, vocabulary.Count + 1, 1, values) { Labels = Vocabulary.Labels(vocabulary) };
        }

        private static Dictionary<string, int> Fixed(IReadOnlyList<string> values)
        {
            var vocabulary = new Dictionary<string, int>(StringComparer.Ordinal);
            foreach (var value in values)
            {
                vocabulary.Add(value, vocabulary.Count + 1);
            }

            return vocabulary;
        }

        private static string[] Filled(int rows)
        {
            var values = new string[rows];
            Array.Fill(values, string.Empty);
            return values;
        }
    }

    private sealed class MultiValued(FeatureSpec spec, string sql, string separator, int rows) : FeatureColumn(spec)
    {
        private readonly string[][] _values = Filled(rows);

        public override string Sql => sql;

        public override void Read(System.Data.Common.DbDataReader reader, int ordinal, int row)
        {
            var names = new List<string>();
            if (!reader.IsDBNull(ordinal))
            {
                // Trimmed, empty ones skipped, a repeat within the row kept once (first occurrence order).
                foreach (var part in reader.GetString(ordinal).Split(separator))
                {
                    var name = part.Trim();
                    if (name.Length > 0 && !names.Contains(name, StringComparer.Ordinal))
                    {
                        names.Add(name);
                    }
                }
            }

            Seen(names.Count == 0);
            _values[row] = [.. names];
        }

        protected override CategoricalField BuildField(int offset)
        {
            var width = 1;
            foreach (var list in _values)
            {
                width = Math.Max(width, list.Length);
            }

            var vocabulary = Vocabulary.Ordinal(_values.SelectMany(v => v));
            var values = new int[_values.Length * width];
            for (var row = offset; row < _values.Length; row++)
            {
                for (var v = 0; v < _values[row].Length; v++)
                {
                    values[(row * width) + v] = vocabulary[_values[row][v]];
                }
            }

            return new CategoricalField(Spec.Name!, vocabulary.Count + 1, width, values) { Labels = Vocabulary.Labels(vocabulary) };
        }

        private static string[][] Filled(int rows)
        {
            var values = new string[rows][];
            Array.Fill(values, []);
            return values;
        }
    }

    private sealed class Numeric(FeatureSpec spec, string sql, int rows) : FeatureColumn(spec)
    {
        private readonly int[] _buckets = new int[rows];

        public override string Sql => sql;

        public override void Read(System.Data.Common.DbDataReader reader, int ordinal, int row)
        {
            Seen(reader.IsDBNull(ordinal));
            if (!reader.IsDBNull(ordinal))
            {
                var value = reader.GetDouble(ordinal);
                if (double.IsFinite(value))
                {
                    _buckets[row] = Bucket(Spec.Buckets!, value);
                }
                else
                {
                    Unseen++;
                }
            }
        }

        protected override CategoricalField BuildField(int offset)
        {
            var bounds = Spec.Buckets!;
            var labels = new string[bounds.Count + 2];
            labels[0] = string.Empty;
            labels[1] = $"<{Text(bounds[0])}";
            for (var b = 1; b < bounds.Count; b++)
            {
                labels[b + 1] = $"[{Text(bounds[b - 1])},{Text(bounds[b])})";
            }

            labels[^1] = $">={Text(bounds[^1])}";
            return new CategoricalField(Spec.Name!, labels.Length, 1, _buckets) { Labels = labels };
        }

        /// <summary>1 + the number of boundaries ≤ <paramref name="value"/>: bucket 1 is below the first boundary.</summary>
        internal static int Bucket(IReadOnlyList<double> bounds, double value)
        {
            var bucket = 1;
            while (bucket <= bounds.Count && bounds[bucket - 1] <= value)
            {
                bucket++;
            }

            return bucket;
        }

        private static string Text(double value) => value.ToString("R", CultureInfo.InvariantCulture);
    }
}
