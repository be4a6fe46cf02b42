using FitCluster.Training.Models;
using static TorchSharp.torch;

namespace FitCluster.Training.Data;

/// <summary>
/// Builds model batches from a <see cref="SampleSplits"/> into buffers allocated once: user features, the candidate,
/// and the behaviour window just before the sample's position (right-padded with item 0).
/// </summary>
/// <remarks>Not thread-safe; one builder per training loop. Tensors it returns belong to the caller's dispose scope.</remarks>
public sealed class BatchBuilder
{
    private readonly InteractionLog _log;
    private readonly int _sequenceLength;
    private readonly int _userFieldCount;
    private readonly long[] _userFeatureTable;
    private readonly long[] _userFields;
    private readonly long[] _items;
    private readonly long[] _sequence;
    private readonly float[] _labels;

    /// <summary>Creates buffers for batches of up to <paramref name="capacity"/> samples.</summary>
    public BatchBuilder(SampleSplits splits, int capacity)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        _log = splits.Log;
        _sequenceLength = splits.MaxSequenceLength;
        _userFieldCount = _log.UserFields.Count;
        Capacity = capacity;
        _userFeatureTable = new long[_log.UserCount * _userFieldCount];
        for (var f = 0; f < _userFieldCount; f++)
        {
            var values = _log.UserFields[f].Values;
            for (var u = 0; u < _log.UserCount; u++)
            {
                _userFeatureTable[(u * _userFieldCount) + f] = values[u];
            }
        }

        _userFields = new long[capacity * _userFieldCount];
        _items = new long[capacity];
        _sequence = new long[capacity * _sequenceLength];
        _labels = new float[capacity];
    }

    /// <summary>Largest batch this builder fills.</summary>
    public int Capacity { get; }

    /// <summary>Fills the buffers with the samples <paramref name="indices"/> of <paramref name="set"/>.</summary>
    /// <returns>The batch as tensors and its labels, float32 <c>[B]</c>.</returns>
    public (ModelInput Input, Tensor Labels) Build(SampleSet set, ReadOnlySpan<int> indices)
    {
        var count = indices.Length;
        if (count == 0 || count > Capacity)
        {
            throw new ArgumentException($"Batch of {count} samples does not fit capacity {Capacity}.", nameof(indices));
        }

        Array.Clear(_sequence, 0, count * _sequenceLength);
        for (var b = 0; b < count; b++)
        {
            var sample = indices[b];
            var user = set.User[sample];
            Array.Copy(_userFeatureTable, user * _userFieldCount, _userFields, b * _userFieldCount, _userFieldCount);
            _items[b] = set.Item[sample];
            _labels[b] = set.Label[sample];
            var history = SampleBuilder.History(_log, user, set.Position[sample], _sequenceLength);
            var row = _sequence.AsSpan(b * _sequenceLength, history.Length);
            for (var j = 0; j < row.Length; j++)
            {
                row[j] = history[j];
            }
        }

        var input = new ModelInput(
            tensor(_userFields, [Capacity, _userFieldCount]).narrow(0, 0, count),
            tensor(_items, [Capacity]).narrow(0, 0, count),
            tensor(_sequence, [Capacity, _sequenceLength]).narrow(0, 0, count));
        return (input, tensor(_labels, [Capacity]).narrow(0, 0, count));
    }
}
