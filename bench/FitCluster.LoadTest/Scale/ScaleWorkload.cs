using System.Text.Json;

namespace FitCluster.LoadTest.Scale;

/// <summary>
/// The requests of one configuration, each a pure function of its index (the same on every run and machine): user
/// i mod (golden users), a full-length history of distinct items from the source artifact's own rows (real items the
/// model was trained on), and <see cref="Candidates"/> distinct items drawn uniformly from the whole catalog. Nothing
/// per request is stored: the verification recomputes a request from its index.
/// </summary>
/// <param name="Users">Golden users' features (name → raw value), at least one.</param>
/// <param name="Keys">The catalog's item keys.</param>
/// <param name="SourceItems">Rows 0..SourceItems−1 are the source artifact's items (behaviours come from them).</param>
/// <param name="SequenceLength">Behaviours per request.</param>
/// <param name="Candidates">Candidates per request.</param>
/// <param name="K">Top-k asked for.</param>
/// <param name="Seed">Seed of the draws.</param>
public sealed record ScaleWorkload(
    IReadOnlyList<IReadOnlyDictionary<string, string>> Users, IReadOnlyList<string> Keys, int SourceItems, int SequenceLength, int Candidates, int K, int Seed)
{
    /// <summary>Request <paramref name="index"/> (model version: the cluster's active one).</summary>
    public RankRequestJson Request(int index)
    {
        // Not HashCode.Combine: its seed differs per process, and a request must be the same in every run.
        var random = new Random(unchecked((Seed * 1_000_003) ^ (Candidates * 7_919) ^ (index * 104_729)));
        var history = SequenceLength <= SourceItems
            ? Distinct(random, SourceItems, SequenceLength)
            : [.. Enumerable.Range(0, SequenceLength).Select(_ => random.Next(SourceItems))];
        var candidates = Distinct(random, Keys.Count, Candidates);
        return new RankRequestJson(
            Users[index % Users.Count],
            [.. history.Select(row => Keys[row])],
            [.. candidates.Select(row => Keys[row])],
            K,
            null);
    }

    /// <summary>Requests 0..<paramref name="count"/>−1 with their bodies serialised.</summary>
    public IReadOnlyList<PreparedRequest> Prepare(int count) =>
        [.. Enumerable.Range(0, count).Select(i => Request(i)).Select(r => new PreparedRequest(r, JsonSerializer.SerializeToUtf8Bytes(r, LoadTestJsonContext.Default.RankRequestJson)))];

    /// <summary>
    /// <paramref name="count"/> distinct values of 0..<paramref name="range"/>−1, uniformly, in random order: Floyd's
    /// sampling (O(count) time and memory whatever the range) followed by a shuffle.
    /// </summary>
    public static int[] Distinct(Random random, int range, int count)
    {
        ArgumentNullException.ThrowIfNull(random);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(count, range);
        var chosen = new HashSet<int>(count);
        var values = new int[count];
        var n = 0;
        for (var j = range - count; j < range; j++)
        {
            var t = random.Next(j + 1);
            var value = chosen.Add(t) ? t : j;
            if (value == j)
            {
                chosen.Add(j);
            }

            values[n++] = value;
        }

        random.Shuffle(values);
        return values;
    }
}
