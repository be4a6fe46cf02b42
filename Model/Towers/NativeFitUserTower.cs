using System.Buffers;
using System.Numerics.Tensors;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using FitCluster.Model.Artifacts;
using FitCluster.Model.Numerics;

namespace FitCluster.Model.Towers;

/// <summary>
/// FIT's user tower for all N hard queries (§4.3.2) in plain C#, from the exporter's folded weights: everything that
/// depends only on the hard query (its DIN first-layer term, its slice of the tower's first layer) is a per-branch
/// constant, so per request the work is the attention over the behaviours for each branch and the FC tower on N rows.
/// Built with the item table's query indices, it skips the branches no item uses.
/// </summary>
/// <remarks>Immutable and thread-safe; scratch is rented per call.</remarks>
public sealed class NativeFitUserTower : IUserTower
{
    private readonly FeatureTables _features;
    private readonly float[] _keyWeight;        // [N, D, H1]: W_k + W_d + W_p·diag(q*_n), FIT eq. 19 folded per branch
    private readonly float[] _keyBias;          // [N, H1]: q*_n (W_q − W_d)ᵀ + b
    private readonly DiceLayer _dice0;
    private readonly DenseLayer[] _attentionLayers;
    private readonly DiceLayer[] _attentionDice;
    private readonly float[] _outputWeight;     // [H_last]
    private readonly float _outputBias;
    private readonly float[] _userWeight;       // [UserDim, T0]
    private readonly float[] _pooledWeight;     // [D, T0]
    private readonly float[] _branchBias;       // [N, T0]: q*_n's part of eq. 20 through the first layer, plus its bias
    private readonly DenseLayer[] _towerLayers; // layers 1.. of the user tower, then the LSS user heads (eq. 11)
    private readonly int _attributeDim;
    private readonly int _hidden0;
    private readonly int _firstWidth;
    private readonly int _maxSequence;
    private readonly int _widest; // widest activation row: sizes the per-call scratch
    private readonly int _attentionWidest; // widest attention layer: sizes the attention blocks
    private readonly float? _headScale; // fit-no-lss: each branch's head is normalised and scaled by γ (FIT, eq. 2–3)
    private readonly bool[]? _live;     // branches some item's query index names; null: all of them

    private NativeFitUserTower(
        IReadOnlyDictionary<string, NamedTensor> tensors, ModelDims dims, IReadOnlyList<FeatureVocabulary> userFields, ReadOnlySpan<ushort> itemQueryIndex,
        Func<NamedTensor>? deferredAttributes)
    {
        _features = new FeatureTables(tensors, dims, userFields, deferredAttributes);
        _attributeDim = dims.ItemAttributeDim;
        _maxSequence = dims.SequenceLength;
        BranchCount = dims.MetaSize;
        HeadSize = dims.UserHeadSize;
        var n = dims.MetaSize;
        var d = dims.ItemAttributeDim;
        var hidden = dims.AttentionHidden;
        _hidden0 = hidden[0];
        _keyWeight = TensorLookup.Require(tensors, "attention.fc0.weight", n, d, _hidden0);
        _keyBias = TensorLookup.Require(tensors, "attention.fc0.bias", n, _hidden0);
        _dice0 = Dice(tensors, "attention.dice0", _hidden0, _maxSequence);
        _attentionLayers = new DenseLayer[hidden.Count - 1];
        _attentionDice = new DiceLayer[hidden.Count - 1];
        for (var i = 1; i < hidden.Count; i++)
        {
            _attentionLayers[i - 1] = new DenseLayer(
                TensorLookup.Require(tensors, $"attention.fc{i}.weight", hidden[i - 1], hidden[i]),
                TensorLookup.Require(tensors, $"attention.fc{i}.bias", hidden[i]), hidden[i - 1], hidden[i], relu: false);
            _attentionDice[i - 1] = Dice(tensors, $"attention.dice{i}", hidden[i], _maxSequence);
        }

        _outputWeight = TensorLookup.Require(tensors, "attention.output.weight", hidden[^1]);
        _outputBias = TensorLookup.Require(tensors, "attention.output.bias", 1)[0];

        var tower = dims.TowerHidden;
        _firstWidth = tower[0];
        var userDim = _features.UserDim;
        _userWeight = TensorLookup.Require(tensors, "user_tower.fc0.user_weight", userDim, tower[0]);
        _pooledWeight = TensorLookup.Require(tensors, "user_tower.fc0.pooled_weight", d, tower[0]);
        _branchBias = TensorLookup.Require(tensors, "user_tower.fc0.branch_bias", n, tower[0]);
        _towerLayers = new DenseLayer[tower.Count];
        for (var i = 1; i < tower.Count; i++)
        {
            _towerLayers[i - 1] = new DenseLayer(
                TensorLookup.Require(tensors, $"user_tower.fc{i}.weight", tower[i - 1], tower[i]),
                TensorLookup.Require(tensors, $"user_tower.fc{i}.bias", tower[i]), tower[i - 1], tower[i], relu: true);
        }

        _widest = Math.Max(Math.Max(_hidden0, tower.Max()), HeadSize);
        _attentionWidest = hidden.Max();
        _towerLayers[^1] = new DenseLayer(
            TensorLookup.Require(tensors, "user_heads.weight", tower[^1], HeadSize),
            TensorLookup.Require(tensors, "user_heads.bias", HeadSize), tower[^1], HeadSize, relu: false);
        _headScale = tensors.ContainsKey(HeadScaleTensor) ? TensorLookup.Require(tensors, HeadScaleTensor, 1)[0] : null;
        (_live, LiveBranchCount) = LiveBranches(itemQueryIndex, n);
    }

    // Rows of (branch, behaviour) pairs the attention runs through its shared layers at once: 512 rows of the widest
    // layer (64 floats) are 128 KiB per block, two blocks in L2.
    private const int AttentionRows = 512;

    /// <summary>The tensor that marks a FIT with the dot-product output (γ, one value): heads are then normalised and scaled.</summary>
    public const string HeadScaleTensor = "user_heads.scale";

    /// <inheritdoc />
    public int BranchCount { get; }

    /// <inheritdoc />
    public int HeadSize { get; }

    /// <inheritdoc />
    public string Implementation => "native";

    /// <summary>
    /// Branches computed per request: those whose hard query is some item's stored query index (FIT, eq. 8), or all
    /// <see cref="BranchCount"/> when the tower was built without the item table.
    /// </summary>
    public int LiveBranchCount { get; }

    /// <summary>Builds the tower from an artifact's tensors.</summary>
    /// <param name="tensors">The artifact's tensors.</param>
    /// <param name="dims">The artifact's dimensions.</param>
    /// <param name="userFields">The user feature vocabularies.</param>
    /// <param name="itemQueryIndex">
    /// The item table's query indices. When given, branches that no item uses are never computed and their heads are
    /// zero: no candidate can be scored against them (a trained N = 64 on ML-1M leaves 5 unused; larger N leave more).
    /// Empty: every branch is computed.
    /// </param>
    /// <param name="deferredAttributes">Reads <c>item.attributes</c> when <paramref name="tensors"/> left it out (the shards
    /// hold its rows and give them with the behaviours); null: the tensor must be in <paramref name="tensors"/>.</param>
    /// <exception cref="ArtifactException">A tensor is missing or has the wrong shape, or a query index is outside 0..N−1.</exception>
    public static NativeFitUserTower FromTensors(
        IReadOnlyDictionary<string, NamedTensor> tensors, ModelDims dims, IReadOnlyList<FeatureVocabulary> userFields, ReadOnlySpan<ushort> itemQueryIndex = default,
        Func<NamedTensor>? deferredAttributes = null)
    {
        ArgumentNullException.ThrowIfNull(tensors);
        ArgumentNullException.ThrowIfNull(dims);
        ArgumentNullException.ThrowIfNull(userFields);
        if (dims.AttentionHidden.Count == 0 || dims.TowerHidden.Count == 0)
        {
            throw new ArtifactException("A FIT artifact needs attention and tower widths in its dimensions.");
        }

        return new NativeFitUserTower(tensors, dims, userFields, itemQueryIndex, deferredAttributes);
    }

    /// <inheritdoc />
    public bool ComputesBranchRanges => true;

    /// <inheritdoc />
    public void Compute(ReadOnlySpan<int> userFields, ReadOnlySpan<int> behaviours, Span<float> heads)
    {
        if (heads.Length != BranchCount * HeadSize)
        {
            ThrowHelper.ShapeMismatch($"FIT user tower: {heads.Length} head values (expected {BranchCount * HeadSize})");
        }

        ComputeBranches(userFields, behaviours, 0, heads);
    }

    /// <inheritdoc />
    /// <remarks>Branches are independent after the embedding lookups, so a range costs its share of the work.</remarks>
    public void ComputeBranches(ReadOnlySpan<int> userFields, ReadOnlySpan<int> behaviours, int firstBranch, Span<float> heads) =>
        ComputeBranches(userFields, behaviours, [], firstBranch, heads);

    /// <inheritdoc />
    public void ComputeBranches(ReadOnlySpan<int> userFields, ReadOnlySpan<int> behaviours, ReadOnlySpan<float> behaviourAttributes, int firstBranch, Span<float> heads)
    {
        if (!behaviourAttributes.IsEmpty && behaviourAttributes.Length != behaviours.Length * _attributeDim)
        {
            ThrowHelper.ShapeMismatch($"FIT user tower: {behaviourAttributes.Length} attribute values for {behaviours.Length} behaviours of {_attributeDim}");
        }

        if (userFields.Length != _features.FieldCount || behaviours.Length > _maxSequence)
        {
            ThrowHelper.ShapeMismatch(
                $"FIT user tower: {userFields.Length} user fields (expected {_features.FieldCount}), {behaviours.Length} behaviours " +
                $"(at most {_maxSequence})");
        }

        var count = BranchRange.Check(BranchCount, HeadSize, firstBranch, heads.Length);
        Span<int> liveBuffer = count <= 1024 ? stackalloc int[count] : new int[count];
        var branches = LiveIn(firstBranch, count, liveBuffer);
        var n = branches.Length;
        var compact = n < count; // some branches are dead: compute the live rows, then scatter them
        if (n == 0)
        {
            heads.Clear();
            return;
        }

        var d = _attributeDim;
        var length = behaviours.Length;
        var widest = _widest;
        var userDim = _features.UserDim;
        var blockRows = Math.Max(length, 1) * Math.Clamp(AttentionRows / Math.Max(length, 1), 1, n);
        var sizes = new ScratchLayout(
            userDim, Math.Max(length, 1) * d, blockRows * _attentionWidest, n * d, n * widest, compact ? n * HeadSize : 0, n * length);
        var scratch = ArrayPool<float>.Shared.Rent(sizes.Total);
        try
        {
            var user = scratch.AsSpan(0, userDim);
            var keys = scratch.AsSpan(sizes.Keys, length * d);
            var blockA = scratch.AsSpan(sizes.BlockA, sizes.BlockLength);
            var blockB = scratch.AsSpan(sizes.BlockB, sizes.BlockLength);
            var pooled = scratch.AsSpan(sizes.Pooled, n * d);
            var rowsA = scratch.AsSpan(sizes.RowsA, n * widest);
            var rowsB = scratch.AsSpan(sizes.RowsB, n * widest);
            var liveHeads = compact ? scratch.AsSpan(sizes.LiveHeads, n * HeadSize) : heads;

            _features.CopyUser(userFields, user);
            for (var l = 0; l < length; l++)
            {
                var key = behaviourAttributes.IsEmpty ? _features.Attributes(behaviours[l]) : behaviourAttributes.Slice(l * d, d);
                key.CopyTo(keys.Slice(l * d)); // e_c of each behaviour (FIT, eq. 4): given by its shard, or looked up
            }

            pooled.Clear(); // no behaviours: DIN pools nothing
            if (length > 0)
            {
                var attention = scratch.AsSpan(sizes.Attention, n * length);
                var chunk = Math.Max(1, AttentionRows / length); // branches per block: their rows stay in L2
                for (var r = 0; r < n; r += chunk)
                {
                    var take = Math.Min(chunk, n - r);
                    Attend(branches.Slice(r, take), keys, length, blockA, blockB, attention.Slice(r * length, take * length));
                }

                Gemm.MultiplyAdd(attention, n, length, keys, d, pooled); // pooled_n = Σ_l w_{n,l} e_l for every branch at once
            }

            // FIT, eq. 20 through the first tower layer: u·W_u (once) + pooled_n·W_p + (q*_n·W_q + b) per branch.
            var first = rowsA[..(n * _firstWidth)];
            var userTerm = rowsB[.._firstWidth];
            userTerm.Clear();
            Gemm.MultiplyAdd(user, 1, userDim, _userWeight, _firstWidth, userTerm);
            for (var r = 0; r < n; r++)
            {
                TensorPrimitives.Add(_branchBias.AsSpan(branches[r] * _firstWidth, _firstWidth), userTerm, first.Slice(r * _firstWidth, _firstWidth));
            }

            Gemm.MultiplyAdd(pooled, n, d, _pooledWeight, _firstWidth, first);
            TensorPrimitives.Max(first, 0f, first);

            Span<float> input = rowsA;
            Span<float> output = rowsB;
            for (var i = 0; i < _towerLayers.Length - 1; i++)
            {
                _towerLayers[i].Forward(input, n, output);
                var swap = input;
                input = output;
                output = swap;
            }

            _towerLayers[^1].Forward(input, n, liveHeads); // FIT, eq. 11: the H_u user heads of every branch
            if (_headScale is { } scale)
            {
                for (var r = 0; r < n; r++)
                {
                    var head = liveHeads.Slice(r * HeadSize, HeadSize);
                    TensorPrimitives.Multiply(head, scale / MathF.Max(TensorPrimitives.Norm(head), 1e-12f), head); // FIT, eq. 2 and γ
                }
            }

            if (compact)
            {
                heads.Clear(); // dead branches: no item is scored against them
                for (var r = 0; r < n; r++)
                {
                    liveHeads.Slice(r * HeadSize, HeadSize).CopyTo(heads.Slice((branches[r] - firstBranch) * HeadSize));
                }
            }
        }
        finally
        {
            ArrayPool<float>.Shared.Return(scratch);
        }
    }

    /// <inheritdoc />
    /// <remarks>Equal numbers of live branches per range: dead branches cost nothing.</remarks>
    public int[] SplitBranches(int parts)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(parts, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(parts, BranchCount);
        var bounds = new int[parts + 1];
        bounds[parts] = BranchCount;
        var seen = 0; // live branches in 0..b
        var p = 1;    // the boundary to place next
        for (var b = 0; b < BranchCount && p < parts; b++)
        {
            seen += _live is null || _live[b] ? 1 : 0;
            // Cut after branch b once this range holds its share, keeping every range non-empty.
            if (seen >= Math.Max(1, p * LiveBranchCount / parts) || BranchCount - (b + 1) == parts - p)
            {
                bounds[p++] = b + 1;
            }
        }

        return bounds;
    }

    /// <summary>Nothing to release: the tower holds only managed arrays.</summary>
    public void Dispose()
    {
    }

    // DIN attention (FIT, eq. 19) of a block of branches with hard queries q*_b: the attention weight of every
    // (branch, behaviour) pair, written branch-major to weights[r·length + l]. The first layer differs per branch (its
    // weight folds q*_b); the later layers, Dice and the output are shared, so they run once over the whole block's
    // rows instead of once per branch.
    private void Attend(ReadOnlySpan<int> branches, ReadOnlySpan<float> keys, int length, Span<float> blockA, Span<float> blockB, Span<float> weights)
    {
        var d = _attributeDim;
        var h0 = _hidden0;
        var rows = branches.Length * length;
        var first = blockA[..(rows * h0)];
        for (var r = 0; r < branches.Length; r++)
        {
            var b = branches[r];
            var block = first.Slice(r * length * h0, length * h0);
            var bias = _keyBias.AsSpan(b * h0, h0);
            for (var l = 0; l < length; l++)
            {
                bias.CopyTo(block.Slice(l * h0, h0));
            }

            Gemm.MultiplyAdd(keys, length, d, _keyWeight.AsSpan(b * d * h0, d * h0), h0, block);
        }

        ApplyDice(_dice0, first, blockB);

        // Ping-pong between the two blocks: x holds the current activations, y is free.
        var x = blockA;
        var y = blockB;
        var width = h0;
        for (var i = 0; i < _attentionLayers.Length; i++)
        {
            var layer = _attentionLayers[i];
            var output = y[..(rows * layer.Outputs)];
            layer.Forward(x[..(rows * width)], rows, output);
            ApplyDice(_attentionDice[i], output, x);
            var swap = x;
            x = y;
            y = swap;
            width = layer.Outputs;
        }

        OutputLayer(x[..(rows * width)], width, weights); // not normalised (DIN)
    }

    // Dice's channel vectors are tiled over _maxSequence rows: a longer block goes through in pieces of that many rows.
    private void ApplyDice(DiceLayer dice, Span<float> block, Span<float> temp)
    {
        var piece = _maxSequence * dice.Channels;
        for (var offset = 0; offset < block.Length; offset += piece)
        {
            var part = block.Slice(offset, Math.Min(piece, block.Length - offset));
            dice.Apply(part, temp[..part.Length]);
        }
    }

    // weights[r] = x[r, :] · w_out + b_out for every row of x [rows, width].
    private void OutputLayer(ReadOnlySpan<float> x, int width, Span<float> weights)
    {
        var w = _outputWeight.AsSpan();
        if (width == Vector256<float>.Count * 2 && Vector256.IsHardwareAccelerated && Fma.IsSupported)
        {
            var w0 = Vector256.Create<float>(w);
            var w1 = Vector256.Create<float>(w[Vector256<float>.Count..]);
            ref var row = ref MemoryMarshal.GetReference(x);
            for (var r = 0; r < weights.Length; r++)
            {
                var sum = Fma.MultiplyAdd(Vector256.LoadUnsafe(ref row, (nuint)(r * width + Vector256<float>.Count)), w1, Vector256.LoadUnsafe(ref row, (nuint)(r * width)) * w0);
                weights[r] = Vector256.Sum(sum) + _outputBias;
            }

            return;
        }

        for (var r = 0; r < weights.Length; r++)
        {
            weights[r] = TensorPrimitives.Dot(x.Slice(r * width, width), w) + _outputBias;
        }
    }

    // The live branches of firstBranch .. firstBranch + count − 1, in order.
    private ReadOnlySpan<int> LiveIn(int firstBranch, int count, Span<int> buffer)
    {
        var next = 0;
        for (var b = firstBranch; b < firstBranch + count; b++)
        {
            if (_live is null || _live[b])
            {
                buffer[next++] = b;
            }
        }

        return buffer[..next];
    }

    private static (bool[]? Live, int Count) LiveBranches(ReadOnlySpan<ushort> itemQueryIndex, int n)
    {
        if (itemQueryIndex.IsEmpty)
        {
            return (null, n);
        }

        var live = new bool[n];
        var count = 0;
        foreach (var s in itemQueryIndex)
        {
            if (s >= n)
            {
                throw new ArtifactException($"An item's query index {s} is outside the tower's 0..{n - 1}.");
            }

            if (!live[s])
            {
                live[s] = true;
                count++;
            }
        }

        return count == n ? (null, n) : (live, count);
    }

    private static DiceLayer Dice(IReadOnlyDictionary<string, NamedTensor> tensors, string prefix, int units, int maxRows) => new(
        TensorLookup.Require(tensors, $"{prefix}.scale", units),
        TensorLookup.Require(tensors, $"{prefix}.shift", units),
        TensorLookup.Require(tensors, $"{prefix}.alpha", units),
        maxRows);

    private readonly record struct ScratchLayout(
        int UserLength, int KeysLength, int BlockLength, int PooledLength, int RowsLength, int LiveHeadsLength, int AttentionLength)
    {
        public int Keys => UserLength;

        public int BlockA => Keys + KeysLength;

        public int BlockB => BlockA + BlockLength;

        public int Pooled => BlockB + BlockLength;

        public int RowsA => Pooled + PooledLength;

        public int RowsB => RowsA + RowsLength;

        public int LiveHeads => RowsB + RowsLength;

        public int Attention => LiveHeads + LiveHeadsLength;

        public int Total => Attention + AttentionLength;
    }
}
