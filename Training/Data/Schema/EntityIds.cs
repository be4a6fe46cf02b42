using System.Data.Common;
using System.Globalization;
using System.Runtime.InteropServices;

namespace FitCluster.Training.Data.Schema;

/// <summary>
/// The raw ids of users or items met while reading, each mapped to a local index in order of first appearance, and
/// later ranked: integer ids ascending, text ids in ordinal order (the order dense indices follow).
/// </summary>
/// <remarks>Not thread-safe.</remarks>
internal abstract class EntityIds
{
    /// <summary>Ids of integer columns are longs, others text.</summary>
    public static EntityIds Create(bool integer) => integer ? new Typed<long>(Comparer<long>.Default) : new Typed<string>(StringComparer.Ordinal);

    /// <summary>Number of distinct ids.</summary>
    public abstract int Count { get; }

    /// <summary>Local index of the id in column <paramref name="ordinal"/> (added when new); -1 for NULL.</summary>
    public abstract int Add(DbDataReader reader, int ordinal);

    /// <summary>Local index of the id in column <paramref name="ordinal"/>, or -1 when NULL or never added.</summary>
    public abstract int Find(DbDataReader reader, int ordinal);

    /// <summary>The raw id of <paramref name="local"/> as text (an item key or a user label).</summary>
    public abstract string Key(int local);

    /// <summary>rank[local] = position of the id among <paramref name="keep"/>'s ids in sorted order, -1 when not kept.</summary>
    public abstract int[] Ranks(bool[] keep, out int keptCount);

    private sealed class Typed<T>(IComparer<T> comparer) : EntityIds
        where T : notnull
    {
        private readonly Dictionary<T, int> _index = [];
        private readonly List<T> _ids = [];

        public override int Count => _ids.Count;

        public override int Add(DbDataReader reader, int ordinal)
        {
            if (reader.IsDBNull(ordinal))
            {
                return -1;
            }

            var id = reader.GetFieldValue<T>(ordinal);
            ref var slot = ref CollectionsMarshal.GetValueRefOrAddDefault(_index, id, out var exists);
            if (!exists)
            {
                slot = _ids.Count;
                _ids.Add(id);
            }

            return slot;
        }

        public override int Find(DbDataReader reader, int ordinal) =>
            reader.IsDBNull(ordinal) ? -1 : _index.GetValueOrDefault(reader.GetFieldValue<T>(ordinal), -1);

        public override string Key(int local) => Convert.ToString(_ids[local], CultureInfo.InvariantCulture) ?? string.Empty;

        public override int[] Ranks(bool[] keep, out int keptCount)
        {
            var kept = new List<int>();
            for (var local = 0; local < _ids.Count; local++)
            {
                if (keep[local])
                {
                    kept.Add(local);
                }
            }

            var locals = kept.ToArray();
            var keys = new T[locals.Length];
            for (var i = 0; i < locals.Length; i++)
            {
                keys[i] = _ids[locals[i]];
            }

            Array.Sort(keys, locals, comparer);
            var rank = new int[_ids.Count];
            Array.Fill(rank, -1);
            for (var r = 0; r < locals.Length; r++)
            {
                rank[locals[r]] = r;
            }

            keptCount = locals.Length;
            return rank;
        }
    }
}
