using FitCluster.Model.Artifacts;
using Microsoft.ML.OnnxRuntime;

namespace FitCluster.Model.Towers;

/// <summary>
/// The user tower as the artifact's ONNX graph (<c>user_tower.onnx</c>: user fields and behaviour sequence in, all
/// branches' heads out), run by ONNX Runtime.
/// </summary>
/// <remarks>Thread-safe: ONNX Runtime sessions allow concurrent <c>Run</c> calls; buffers are per call.</remarks>
public sealed class OnnxUserTower : IUserTower
{
    private readonly InferenceSession _session;
    private readonly int _fieldCount;
    private readonly int _maxSequence;

    /// <summary>Loads the graph.</summary>
    /// <param name="path">The <c>.onnx</c> file.</param>
    /// <param name="dims">The model's dimensions.</param>
    /// <param name="fieldCount">User features the graph takes.</param>
    /// <param name="options">Execution provider and threads.</param>
    /// <exception cref="ArtifactException">ONNX Runtime refuses the graph or the requested execution provider.</exception>
    public OnnxUserTower(string path, ModelDims dims, int fieldCount, InferenceOptions options)
    {
        ArgumentNullException.ThrowIfNull(dims);
        ArgumentNullException.ThrowIfNull(options);
        BranchCount = dims.MetaSize;
        HeadSize = dims.UserHeadSize;
        _fieldCount = fieldCount;
        _maxSequence = dims.SequenceLength;
        _session = OnnxSessions.Create(path, options);
    }

    /// <inheritdoc />
    public int BranchCount { get; }

    /// <inheritdoc />
    public int HeadSize { get; }

    /// <inheritdoc />
    public string Implementation => "onnx";

    /// <inheritdoc />
    public void Compute(ReadOnlySpan<int> userFields, ReadOnlySpan<int> behaviours, Span<float> heads)
    {
        if (userFields.Length != _fieldCount || behaviours.Length > _maxSequence || heads.Length != BranchCount * HeadSize)
        {
            ThrowHelper.ShapeMismatch(
                $"ONNX user tower: {userFields.Length} user fields (expected {_fieldCount}), {behaviours.Length} behaviours " +
                $"(at most {_maxSequence}), {heads.Length} head values (expected {BranchCount * HeadSize})");
        }

        var fields = new long[_fieldCount];
        for (var f = 0; f < fields.Length; f++)
        {
            fields[f] = userFields[f];
        }

        // An empty history is one padding slot: padding weighs 0 in DIN and counts 0 in the mean.
        var sequence = new long[Math.Max(behaviours.Length, 1)];
        for (var l = 0; l < behaviours.Length; l++)
        {
            sequence[l] = behaviours[l];
        }

        using var fieldsValue = OrtValue.CreateTensorValueFromMemory(fields, [1, _fieldCount]);
        using var sequenceValue = OrtValue.CreateTensorValueFromMemory(sequence, [1, sequence.Length]);
        using var runOptions = new RunOptions();
        using var outputs = _session.Run(
            runOptions,
            new Dictionary<string, OrtValue> { ["user_fields"] = fieldsValue, ["sequence"] = sequenceValue },
            ["user_heads"]);
        var result = outputs[0].GetTensorDataAsSpan<float>();
        if (result.Length != heads.Length)
        {
            throw new ArtifactException($"user_tower.onnx returned {result.Length} values; the manifest implies {heads.Length}.");
        }

        result.CopyTo(heads);
    }

    /// <summary>Releases the ONNX Runtime session.</summary>
    public void Dispose() => _session.Dispose();
}
