namespace FitCluster.Training.Data.Schema;

/// <summary>
/// An append-only column in fixed 1 Mi-element chunks: growing never copies what was read, so a log of tens of millions
/// of rows needs its final size plus at most one chunk, not the double that a doubling array needs.
/// </summary>
/// <remarks>Not thread-safe.</remarks>
internal sealed class ChunkedColumn<T>
    where T : unmanaged
{
    private const int ChunkBits = 20;
    private const int ChunkSize = 1 << ChunkBits;
    private readonly List<T[]> _chunks = [];

    /// <summary>Number of values.</summary>
    public int Count { get; private set; }

    /// <summary>Value <paramref name="index"/>.</summary>
    public T this[int index]
    {
        get => _chunks[index >> ChunkBits][index & (ChunkSize - 1)];
        set => _chunks[index >> ChunkBits][index & (ChunkSize - 1)] = value;
    }

    /// <summary>Appends <paramref name="value"/>.</summary>
    public void Add(T value)
    {
        if ((Count & (ChunkSize - 1)) == 0)
        {
            _chunks.Add(new T[ChunkSize]);
        }

        _chunks[^1][Count & (ChunkSize - 1)] = value;
        Count++;
    }

    /// <summary>The values as one array; the chunks are released.</summary>
    public T[] DrainToArray()
    {
        var values = new T[Count];
        for (var c = 0; c < _chunks.Count; c++)
        {
            var start = c << ChunkBits;
            _chunks[c].AsSpan(0, Math.Min(ChunkSize, Count - start)).CopyTo(values.AsSpan(start));
            _chunks[c] = [];
        }

        _chunks.Clear();
        Count = 0;
        return values;
    }
}
