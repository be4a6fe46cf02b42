using FitCluster.Model.Artifacts;
using FitCluster.Model.Towers;
using FitCluster.Training.Export.Onnx;
using static FitCluster.Training.Export.Onnx.Proto.TensorProto.Types;

namespace FitCluster.Training.Export;

/// <summary>
/// The artifact's ONNX graphs (IR 8, opset 17). The user tower graph is built from the same folded tensors the C#
/// user tower reads, so the two implementations compute one function; the item tower graph embeds new items.
/// </summary>
public static class OnnxGraphs
{
    /// <summary>Symbolic batch dimension name.</summary>
    public const string Batch = "batch";

    /// <summary>Symbolic sequence dimension name.</summary>
    public const string Sequence = "sequence";

    /// <summary>
    /// FIT's user tower for all N hard queries (§4.3.2): inputs <c>user_fields</c> int64 [B, F] (vocabulary indices) and
    /// <c>sequence</c> int64 [B, L] (item indices, 0 = padding, any L ≥ 1); output <c>user_heads</c> float [B, N, H_u, p].
    /// </summary>
    public static byte[] FitUserTower(IReadOnlyDictionary<string, NamedTensor> t, ModelDims dims, IReadOnlyList<string> userFields, IReadOnlyDictionary<string, string> metadata)
    {
        var g = new OnnxGraphBuilder("fit_user_tower", "FIT user tower: all N branches (hard queries) at once, FIT §4.3.2");
        var (user, keys, mask) = UserInputs(g, t, dims, userFields);
        var n = dims.MetaSize;
        var d = dims.ItemAttributeDim;
        var hidden = dims.AttentionHidden;

        // DIN attention for every branch at once (FIT, eq. 19): first layer folded per branch, [B, L, N·H1].
        var keyWeight = t["attention.fc0.weight"]; // [N, D, H1] → [D, N·H1]
        var h1 = hidden[0];
        var packed = new float[d * n * h1];
        for (var b = 0; b < n; b++)
        {
            for (var k = 0; k < d; k++)
            {
                Array.Copy(keyWeight.Values, ((b * d) + k) * h1, packed, ((k * n) + b) * h1, h1);
            }
        }

        var x = g.Node("MatMul", [keys, g.Constant("attention.fc0.weight", packed, d, n * h1)]);
        x = g.Node("Add", [x, g.Constant("attention.fc0.bias", t["attention.fc0.bias"].Values, n * h1)]);
        x = g.Node("Reshape", [x, g.Constant("shape_bl_n_h1", [0L, 0L, n, h1], 4)]);
        x = Dice(g, t, x, "attention.dice0");
        for (var i = 1; i < hidden.Count; i++)
        {
            x = g.Node("MatMul", [x, Weight(g, t, $"attention.fc{i}.weight")]);
            x = g.Node("Add", [x, Weight(g, t, $"attention.fc{i}.bias")]);
            x = Dice(g, t, x, $"attention.dice{i}");
        }

        var outputWeight = t["attention.output.weight"];
        x = g.Node("MatMul", [x, g.Constant("attention.output.weight", outputWeight.Values, outputWeight.Values.Length, 1)]);
        x = g.Node("Add", [x, Weight(g, t, "attention.output.bias")]);
        x = g.Node("Reshape", [x, g.Constant("shape_bl_n", [0L, 0L, n], 3)]);                 // [B, L, N]
        var axis2 = g.Constant("axis_2", [2L], 1);
        x = g.Node("Mul", [x, g.Node("Unsqueeze", [mask, axis2])]);                              // padding weighs 0
        var weights = g.Node("Transpose", [x], [OnnxGraphBuilder.IntsAttribute("perm", 0, 2, 1)]);         // [B, N, L]
        var pooled = g.Node("MatMul", [weights, keys]);                                          // [B, N, D]

        // Eq. 20 through layer 0: u·W_u + pooled·W_p + (q*_n·W_q + b).
        var axis1 = g.Constant("axis_1", [1L], 1);
        var userTerm = g.Node("Unsqueeze", [g.Node("MatMul", [user, Weight(g, t, "user_tower.fc0.user_weight")]), axis1]);
        var h = g.Node("MatMul", [pooled, Weight(g, t, "user_tower.fc0.pooled_weight")]);
        h = g.Node("Add", [h, Weight(g, t, "user_tower.fc0.branch_bias")]);
        h = g.Node("Relu", [g.Node("Add", [h, userTerm])]);
        for (var i = 1; i < dims.TowerHidden.Count; i++)
        {
            h = g.Node("MatMul", [h, Weight(g, t, $"user_tower.fc{i}.weight")]);
            h = g.Node("Relu", [g.Node("Add", [h, Weight(g, t, $"user_tower.fc{i}.bias")])]);
        }

        h = g.Node("Add", [g.Node("MatMul", [h, Weight(g, t, "user_heads.weight")]), Weight(g, t, "user_heads.bias")]); // FIT, eq. 11
        if (t.ContainsKey(NativeFitUserTower.HeadScaleTensor))
        {
            // fit-no-lss: the single head is the normalised last layer scaled by γ (FIT, eq. 2–3), per branch.
            h = g.Node("Mul", [Normalise(g, h, axis2), Weight(g, t, NativeFitUserTower.HeadScaleTensor)]);
        }

        h = g.Node("Reshape", [h, g.Constant("shape_heads", [0L, n, dims.UserHeads, dims.HeadDim], 4)]);
        g.Output(h, "user_heads", DataType.Float, [null, n, dims.UserHeads, dims.HeadDim], Batch);
        return g.ToModelBytes(ProducerVersion, metadata);
    }

    /// <summary>
    /// Two-Tower's user tower: same inputs; output <c>user_heads</c> float [B, 1, 1, p], the L2-normalised user vector
    /// scaled by γ (FIT, eq. 1–3).
    /// </summary>
    public static byte[] TwoTowerUserTower(IReadOnlyDictionary<string, NamedTensor> t, ModelDims dims, IReadOnlyList<string> userFields, IReadOnlyDictionary<string, string> metadata)
    {
        var g = new OnnxGraphBuilder("two_tower_user_tower", "Two-Tower (DSSM) user tower: γ · normalise(tower([u || mean(behaviours)]))");
        var (user, keys, mask) = UserInputs(g, t, dims, userFields);
        var axis1 = g.Constant("axis_1", [1L], 1);
        var sum = g.Node("ReduceSum", [keys, axis1], [OnnxGraphBuilder.IntAttribute("keepdims", 0)]);
        var count = g.Node("ReduceSum", [mask, axis1], [OnnxGraphBuilder.IntAttribute("keepdims", 1)]);
        count = g.Node("Max", [count, g.Constant("one", [1f], 1)]);
        var pooled = g.Node("Div", [sum, count]);                                                // FIT, eq. 18
        var h = g.Node("Concat", [user, pooled], [OnnxGraphBuilder.IntAttribute("axis", 1)]);
        var layers = dims.TowerHidden.Count;
        for (var i = 0; i < layers; i++)
        {
            h = g.Node("Add", [g.Node("MatMul", [h, Weight(g, t, $"user_tower.fc{i}.weight")]), Weight(g, t, $"user_tower.fc{i}.bias")]);
            if (i < layers - 1)
            {
                h = g.Node("Relu", [h]);
            }
        }

        h = Normalise(g, h, axis1);                                                              // FIT, eq. 2
        h = g.Node("Mul", [h, Weight(g, t, "two_tower.scale")]);
        h = g.Node("Reshape", [h, g.Constant("shape_heads", [0L, 1L, 1L, dims.HeadDim], 4)]);
        g.Output(h, "user_heads", DataType.Float, [null, 1, 1, dims.HeadDim], Batch);
        return g.ToModelBytes(ProducerVersion, metadata);
    }

    /// <summary>
    /// The item tower for new items: inputs <c>item_id</c> int64 [B] (0 = an item without a learned id embedding) and
    /// one int64 [B, width] input per item feature (vocabulary indices, 0 = none); outputs <c>item_heads</c> float
    /// [B, H_v, p] and, for FIT, <c>query_index</c> int64 [B] (eq. 8).
    /// </summary>
    public static byte[] ItemTower(ItemTowerWeights w, ModelDims dims, IReadOnlyDictionary<string, string> metadata)
    {
        ArgumentNullException.ThrowIfNull(w);
        var isFit = w.QueryGroupTransposed is not null;
        var g = new OnnxGraphBuilder(isFit ? "fit_item_tower" : "two_tower_item_tower", "Item tower: heads (and FIT's query index) of new items");
        var id = g.Input("item_id", DataType.Int64, [null], Batch);
        var e = dims.EmbeddingDim;
        var idEmbedding = g.Node("Gather", [g.Constant("item.embedding.item_id", w.ItemIdTable, w.ItemIdTable.Length / e, e), id]);
        var towerParts = new List<string> { idEmbedding };
        var attributeParts = new List<string> { idEmbedding };
        var axis1 = g.Constant("axis_1", [1L], 1);
        var zero = g.Constant("zero_i64", [0L], 1);
        var one = g.Constant("one", [1f], 1);
        foreach (var field in w.Fields)
        {
            var values = g.Input(field.Name, DataType.Int64, [null, field.Width], Batch);
            var embedded = g.Node("Gather", [g.Constant($"item.embedding.{field.Name}", field.Table, field.Table.Length / e, e), values]);
            var sum = g.Node("ReduceSum", [embedded, axis1], [OnnxGraphBuilder.IntAttribute("keepdims", 0)]);
            var present = g.Node("Cast", [g.Node("Greater", [values, zero])], [OnnxGraphBuilder.IntAttribute("to", (long)DataType.Float)]);
            var count = g.Node("Max", [g.Node("ReduceSum", [present, axis1], [OnnxGraphBuilder.IntAttribute("keepdims", 1)]), one]);
            var pooled = g.Node("Div", [sum, count]); // mean over the values present (FeatureEmbeddings)
            towerParts.Add(pooled);
            if (field.InAttributes)
            {
                attributeParts.Add(pooled);
            }
        }

        var h = g.Node("Concat", [.. towerParts], [OnnxGraphBuilder.IntAttribute("axis", 1)]);
        for (var i = 0; i < w.Layers.Count; i++)
        {
            var layer = w.Layers[i];
            h = g.Node("Add", [g.Node("MatMul", [h, g.Constant($"item_tower.fc{i}.weight", layer.Weight, layer.Inputs, layer.Outputs)]),
                g.Constant($"item_tower.fc{i}.bias", layer.Bias, layer.Outputs)]);
            if (layer.Relu)
            {
                h = g.Node("Relu", [h]);
            }
        }

        if (w.Heads is { } heads)
        {
            h = g.Node("Add", [g.Node("MatMul", [h, g.Constant("item_heads.weight", heads.Weight, heads.Inputs, heads.Outputs)]),
                g.Constant("item_heads.bias", heads.Bias, heads.Outputs)]); // FIT, eq. 12
        }
        else
        {
            h = Normalise(g, h, axis1); // the Two-Tower output (Two-Tower, fit-no-lss): FIT, eq. 2
        }

        h = g.Node("Reshape", [h, g.Constant("shape_heads", [0L, dims.ItemHeads, dims.HeadDim], 3)]);
        g.Output(h, "item_heads", DataType.Float, [null, dims.ItemHeads, dims.HeadDim], Batch);
        if (isFit)
        {
            var attributes = g.Node("Concat", [.. attributeParts], [OnnxGraphBuilder.IntAttribute("axis", 1)]);        // e_c, eq. 4
            var queryGroup = w.QueryGroupTransposed ?? throw new ArgumentException("FIT's item tower needs Q*.", nameof(w));
            var logits = g.Node("MatMul", [attributes, g.Constant("mqm.query_group_t", queryGroup, dims.ItemAttributeDim, dims.MetaSize)]); // eq. 6
            var index = g.Node("ArgMax", [logits], [OnnxGraphBuilder.IntAttribute("axis", 1), OnnxGraphBuilder.IntAttribute("keepdims", 0)]);              // eq. 8
            g.Output(index, "query_index", DataType.Int64, [null], Batch);
        }

        return g.ToModelBytes(ProducerVersion, metadata);
    }

    private static string ProducerVersion => typeof(OnnxGraphs).Assembly.GetName().Version?.ToString() ?? "0";

    private static (string User, string Keys, string Mask) UserInputs(OnnxGraphBuilder g, IReadOnlyDictionary<string, NamedTensor> t, ModelDims dims, IReadOnlyList<string> userFields)
    {
        var fields = g.Input("user_fields", DataType.Int64, [null, userFields.Count], Batch);
        var sequence = g.Input("sequence", DataType.Int64, [null, null], Batch, Sequence);
        var parts = new string[userFields.Count];
        for (var f = 0; f < parts.Length; f++)
        {
            var column = g.Node("Gather", [fields, g.Constant($"field_{f}", [(long)f], [])], [OnnxGraphBuilder.IntAttribute("axis", 1)]);
            parts[f] = g.Node("Gather", [Weight(g, t, $"user.embedding.{userFields[f]}"), column]);
        }

        var user = g.Node("Concat", parts, [OnnxGraphBuilder.IntAttribute("axis", 1)]);                   // [B, UserDim]
        var keys = g.Node("Gather", [Weight(g, t, "item.attributes"), sequence]);                // [B, L, D]: e_c per behaviour
        var mask = g.Node("Cast", [g.Node("Greater", [sequence, g.Constant("zero_i64", [0L], 1)])], [OnnxGraphBuilder.IntAttribute("to", (long)DataType.Float)]);
        return (user, keys, mask);
    }

    private static string Dice(OnnxGraphBuilder g, IReadOnlyDictionary<string, NamedTensor> t, string x, string prefix)
    {
        // y = x·(α + (1 − α)·σ(x·scale + shift)), Dice with its batch norm's running statistics folded in.
        var alpha = t[$"{prefix}.alpha"].Values;
        var oneMinusAlpha = Array.ConvertAll(alpha, a => 1f - a);
        var p = g.Node("Sigmoid", [g.Node("Add", [g.Node("Mul", [x, Weight(g, t, $"{prefix}.scale")]), Weight(g, t, $"{prefix}.shift")])]);
        var gate = g.Node("Add", [g.Node("Mul", [p, g.Constant($"{prefix}.one_minus_alpha", oneMinusAlpha, alpha.Length)]), Weight(g, t, $"{prefix}.alpha")]);
        return g.Node("Mul", [x, gate]);
    }

    private static string Normalise(OnnxGraphBuilder g, string x, string axis1)
    {
        var norm = g.Node("Sqrt", [g.Node("ReduceSum", [g.Node("Mul", [x, x]), axis1], [OnnxGraphBuilder.IntAttribute("keepdims", 1)])]);
        return g.Node("Div", [x, g.Node("Max", [norm, g.Constant($"eps_{x}", [1e-12f], 1)])]); // torch's normalize: x / max(‖x‖, ε)
    }

    private static string Weight(OnnxGraphBuilder g, IReadOnlyDictionary<string, NamedTensor> t, string name)
    {
        var tensor = t[name];
        return g.Constant(name, tensor.Values, [.. Array.ConvertAll(tensor.Shape, s => (long)s)]);
    }
}
