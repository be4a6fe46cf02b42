using System.Buffers;
using System.Runtime.InteropServices;
using FitCluster.Model.Artifacts;
using FitCluster.Model.Towers;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace FitCluster.Model.Scoring;

/// <summary>
/// LSS over one item table (a shard's slice) as the ONNX scoring graph of <see cref="LssGraph"/>, run by ONNX Runtime
/// on the configured execution provider. The table's heads and query indices are copied into the provider's memory once
/// (GPU memory with CUDA) and stay there; each request binds only the user heads and its candidate rows (ONNX Runtime
/// I/O binding) and reads back one float per candidate.
/// </summary>
/// <remarks>Thread-safe: each call has its own binding; the device tensors are only read.</remarks>
public sealed class OnnxLssScorer : ICandidateScorer, IDisposable
{
    private readonly InferenceSession _session;
    private readonly OrtMemoryInfo? _deviceMemory;
    private readonly OrtAllocator? _deviceAllocator;
    private readonly OrtValue _itemHeads;
    private readonly OrtValue _queryIndex;
    private readonly int _userSize;

    /// <summary>Builds the graph from <paramref name="weights"/> and puts <paramref name="items"/> in device memory.</summary>
    /// <param name="weights">The LSS weights (the artifact's CPU scorer).</param>
    /// <param name="items">The table this scorer serves; <see cref="Score(ReadOnlySpan{float}, ItemTable, ReadOnlySpan{int}, Span{float})"/> accepts only it.</param>
    /// <param name="options">Execution provider, device and threads.</param>
    /// <exception cref="ArtifactException">ONNX Runtime refuses the provider, the graph or the copy.</exception>
    public OnnxLssScorer(LssScorer weights, ItemTable items, InferenceOptions options)
    {
        ArgumentNullException.ThrowIfNull(weights);
        ArgumentNullException.ThrowIfNull(items);
        ArgumentNullException.ThrowIfNull(options);
        if (items.ItemHeads != weights.ItemHeads || items.HeadDim != weights.HeadDim)
        {
            ThrowHelper.ShapeMismatch($"ONNX LSS for H_v={weights.ItemHeads}, p={weights.HeadDim}: item table H_v={items.ItemHeads}, p={items.HeadDim}");
        }

        Weights = weights;
        Items = items;
        Provider = options.ExecutionProvider;
        _userSize = items.MetaSize * weights.UserHeads * weights.HeadDim;
        _session = OnnxSessions.Create(LssGraph.Build(weights, items.IsHalf), "the LSS scoring graph", options);
        try
        {
            if (Provider == ExecutionProvider.Cuda)
            {
                _deviceMemory = new OrtMemoryInfo("Cuda", OrtAllocatorType.DeviceAllocator, options.DeviceId, OrtMemType.Default);
                _deviceAllocator = new OrtAllocator(_session, _deviceMemory);
            }

            var allocator = _deviceAllocator ?? OrtAllocator.DefaultInstance;
            long count = Math.Max(items.Count, 1); // a zero-length tensor is legal but some providers refuse to allocate it
            _itemHeads = OrtValue.CreateAllocatedTensorValue(
                allocator, items.IsHalf ? TensorElementType.Float16 : TensorElementType.Float, [count, items.ItemHeads, items.HeadDim]);
            _queryIndex = OrtValue.CreateAllocatedTensorValue(allocator, TensorElementType.Int64, [count]);
            Upload(items, options, count);
            DeviceBytes = (count * items.RowSize * (items.IsHalf ? 2 : 4)) + (count * sizeof(long));
        }
        catch (OnnxRuntimeException e)
        {
            Dispose();
            throw new ArtifactException($"Could not put the item table in {Provider} memory: {e.Message}", e);
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    /// <summary>The table served.</summary>
    public ItemTable Items { get; }

    /// <summary>The LSS weights.</summary>
    public LssScorer Weights { get; }

    /// <summary>Where the graph runs and the table lives.</summary>
    public ExecutionProvider Provider { get; }

    /// <summary>Bytes of item heads and query indices held in the provider's memory.</summary>
    public long DeviceBytes { get; }

    /// <inheritdoc />
    /// <exception cref="ArgumentException"><paramref name="items"/> is not the table this scorer holds.</exception>
    public void Score(ReadOnlySpan<float> userHeads, ItemTable items, ReadOnlySpan<int> rows, Span<float> scores)
    {
        if (!ReferenceEquals(items, Items))
        {
            throw new ArgumentException("This ONNX scorer holds another item table in device memory.", nameof(items));
        }

        Score(userHeads, rows, scores);
    }

    /// <summary>scores[c] = the LSS logit of row <c>rows[c]</c> of <see cref="Items"/> (see <see cref="ICandidateScorer"/>).</summary>
    public void Score(ReadOnlySpan<float> userHeads, ReadOnlySpan<int> rows, Span<float> scores)
    {
        if (userHeads.Length != _userSize || rows.Length != scores.Length)
        {
            ThrowHelper.ShapeMismatch(
                $"ONNX LSS: {userHeads.Length} user head values (expected {_userSize}); {rows.Length} rows, {scores.Length} scores");
        }

        if (rows.IsEmpty)
        {
            return;
        }

        var heads = ArrayPool<float>.Shared.Rent(_userSize);
        var indices = ArrayPool<long>.Shared.Rent(rows.Length);
        var output = ArrayPool<float>.Shared.Rent(rows.Length);
        try
        {
            userHeads.CopyTo(heads);
            for (var c = 0; c < rows.Length; c++)
            {
                if ((uint)rows[c] >= (uint)Items.Count)
                {
                    throw new ArgumentException($"Row {rows[c]} is outside the table's {Items.Count} items.", nameof(rows));
                }

                indices[c] = rows[c];
            }

            using var userValue = OrtValue.CreateTensorValueFromMemory(
                OrtMemoryInfo.DefaultInstance, heads.AsMemory(0, _userSize), [Items.MetaSize, Weights.UserHeads, Weights.HeadDim]);
            using var rowsValue = OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, indices.AsMemory(0, rows.Length), [rows.Length]);
            using var scoresValue = OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, output.AsMemory(0, rows.Length), [rows.Length]);
            using var binding = _session.CreateIoBinding();
            binding.BindInput(LssGraph.ItemHeads, _itemHeads);   // already in device memory: no copy
            binding.BindInput(LssGraph.QueryIndex, _queryIndex);
            binding.BindInput(LssGraph.UserHeads, userValue);    // host memory: ONNX Runtime copies it in (N·H_u·p floats)
            binding.BindInput(LssGraph.Rows, rowsValue);
            binding.BindOutput(LssGraph.Scores, scoresValue);    // host memory: one float per candidate comes back
            using var runOptions = new RunOptions();
            _session.RunWithBinding(runOptions, binding);
            output.AsSpan(0, rows.Length).CopyTo(scores);
        }
        finally
        {
            ArrayPool<float>.Shared.Return(heads);
            ArrayPool<long>.Shared.Return(indices);
            ArrayPool<float>.Shared.Return(output);
        }
    }

    /// <summary>Releases the session and the device memory.</summary>
    public void Dispose()
    {
        _itemHeads?.Dispose();
        _queryIndex?.Dispose();
        _deviceAllocator?.Dispose();
        _deviceMemory?.Dispose();
        _session.Dispose();
    }

    // Copies the table through an Identity graph whose outputs are bound to the device tensors: works the same on every
    // provider (with CUDA, ONNX Runtime copies host to device; with the CPU provider, host to host).
    private void Upload(ItemTable items, InferenceOptions options, long count)
    {
        using var upload = OnnxSessions.Create(LssGraph.BuildUpload(items.IsHalf, items.ItemHeads, items.HeadDim), "the LSS upload graph", options);
        using var hostHeads = OrtValue.CreateAllocatedTensorValue(
            OrtAllocator.DefaultInstance, items.IsHalf ? TensorElementType.Float16 : TensorElementType.Float, [count, items.ItemHeads, items.HeadDim]);
        using var hostIndex = OrtValue.CreateAllocatedTensorValue(OrtAllocator.DefaultInstance, TensorElementType.Int64, [count]);
        var headBytes = hostHeads.GetTensorMutableRawData();
        headBytes.Clear();
        if (items.IsHalf)
        {
            MemoryMarshal.AsBytes(items.HalfHeads).CopyTo(headBytes);
        }
        else
        {
            MemoryMarshal.AsBytes(items.SingleHeads).CopyTo(headBytes);
        }

        var index = hostIndex.GetTensorMutableDataAsSpan<long>();
        index.Clear();
        for (var r = 0; r < items.Count; r++)
        {
            index[r] = items.QueryIndex[r];
        }

        using var binding = upload.CreateIoBinding();
        binding.BindInput("item_heads_in", hostHeads);
        binding.BindInput("query_index_in", hostIndex);
        binding.BindOutput(LssGraph.ItemHeads, _itemHeads);
        binding.BindOutput(LssGraph.QueryIndex, _queryIndex);
        using var runOptions = new RunOptions();
        upload.RunWithBinding(runOptions, binding);
        binding.SynchronizeBoundOutputs();
    }
}
