using FitCluster.Model.Artifacts;
using FitCluster.Model.Towers;
using FitCluster.Training.Data;
using FitCluster.Training.Models;
using static TorchSharp.torch;

namespace FitCluster.Training.Export;

/// <summary>
/// Turns a trained model's eval-mode computation into the artifact's serving weights, in double precision: batch
/// norms folded into the preceding linear layers, and every term that depends only on a hard query q*_n folded into
/// per-branch constants (FIT §4.3.2: the N hard queries are fixed after training). Weights are written input-major
/// (<c>[in, out]</c>) so that serving computes x·W. Tensor names are the artifact's contract (docs/artifact.md).
/// </summary>
public static class ModelFolding
{
    /// <summary>Serving tensors of a FIT model: embeddings, folded DIN attention and user tower, user heads, LSS.</summary>
    public static IReadOnlyList<NamedTensor> Fit(FitModel model, InteractionLog log)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(log);
        var state = new StateReader(model);
        var options = model.Options;
        var tensors = new List<NamedTensor>();
        AddEmbeddings(tensors, state, model.Embeddings, log);

        var queryGroup = QueryGroup(model);                   // Q*, [N, D] (FIT, eq. 5)
        var n = queryGroup.Rows;
        var d = queryGroup.ColumnCount;

        // DIN first layer, split as DinAttention.Weights does: [k, q, k − q, k ⊙ q]·Wᵀ
        //   = k·(W_k + W_d + W_p·diag(q))ᵀ + q·(W_q − W_d)ᵀ + b  (FIT, eq. 19 with the hard query q*_n).
        var fc0 = state.Matrix("attention.fc0.weight");        // [H1, 4D]
        var fc0Bias = state.Vector("attention.fc0.bias");
        var h1 = fc0.Rows;
        var keyWeight = new double[n * d * h1];
        var keyBias = new double[n * h1];
        for (var b = 0; b < n; b++)
        {
            for (var h = 0; h < h1; h++)
            {
                var bias = fc0Bias[h];
                for (var k = 0; k < d; k++)
                {
                    var wk = fc0[h, k];
                    var wq = fc0[h, d + k];
                    var wd = fc0[h, (2 * d) + k];
                    var wp = fc0[h, (3 * d) + k];
                    var q = queryGroup[b, k];
                    keyWeight[(((b * d) + k) * h1) + h] = wk + wd + (wp * q);
                    bias += q * (wq - wd);
                }

                keyBias[(b * h1) + h] = bias;
            }
        }

        tensors.Add(Named("attention.fc0.weight", keyWeight, n, d, h1));
        tensors.Add(Named("attention.fc0.bias", keyBias, n, h1));
        AddDice(tensors, state, "attention.dice0", "attention.dice0");
        var hidden = options.AttentionHidden;
        for (var i = 1; i < hidden.Count; i++)
        {
            tensors.Add(Named($"attention.fc{i}.weight", state.Matrix($"attention.fcs.{i - 1}.weight").Transposed(), hidden[i - 1], hidden[i]));
            tensors.Add(Named($"attention.fc{i}.bias", state.Vector($"attention.fcs.{i - 1}.bias"), hidden[i]));
            AddDice(tensors, state, $"attention.dices.{i - 1}", $"attention.dice{i}");
        }

        tensors.Add(Named("attention.output.weight", state.Vector("attention.output.weight"), hidden[^1]));
        tensors.Add(Named("attention.output.bias", state.Vector("attention.output.bias"), 1));

        // User tower layer 0 on eq. 20's [u || pooled || q*_n]: split by input block; q*_n's block becomes a branch bias.
        var (w0, b0) = FoldedLinear(state, "user_tower.layers", 0, batchNorm: true); // W [T0, in], b [T0]
        var t0 = w0.Rows;
        var userDim = model.Embeddings.UserDim;
        var branchBias = new double[n * t0];
        for (var b = 0; b < n; b++)
        {
            for (var t = 0; t < t0; t++)
            {
                var sum = b0[t];
                for (var k = 0; k < d; k++)
                {
                    sum += w0[t, userDim + d + k] * queryGroup[b, k];
                }

                branchBias[(b * t0) + t] = sum;
            }
        }

        tensors.Add(Named("user_tower.fc0.user_weight", w0.ColumnSlice(0, userDim).Transposed(), userDim, t0));
        tensors.Add(Named("user_tower.fc0.pooled_weight", w0.ColumnSlice(userDim, d).Transposed(), d, t0));
        tensors.Add(Named("user_tower.fc0.branch_bias", branchBias, n, t0));
        var tower = ServedTowerHidden(options);
        for (var i = 1; i < tower.Count; i++)
        {
            var (w, bias) = FoldedLinear(state, "user_tower.layers", i, batchNorm: true);
            tensors.Add(Named($"user_tower.fc{i}.weight", w.Transposed(), tower[i - 1], tower[i]));
            tensors.Add(Named($"user_tower.fc{i}.bias", bias, tower[i]));
        }

        if (options.Scorer == FitScorer.Dot)
        {
            // fit-no-lss: the linear last layer is the single user head, normalised and scaled by γ (FIT, eq. 2–3).
            var (last, lastBias) = FoldedLinear(state, "user_tower.layers", options.TowerHidden.Count - 1, batchNorm: false);
            tensors.Add(Named("user_heads.weight", last.Transposed(), tower[^1], last.Rows));
            tensors.Add(Named("user_heads.bias", lastBias, last.Rows));
            tensors.Add(Named(NativeFitUserTower.HeadScaleTensor, [Math.Exp(state.Vector("lss.log_scale")[0])], 1));
            tensors.Add(Named("mqm.query_group", queryGroup.Values, n, d));
            return tensors;
        }

        var headSize = options.UserHeads * options.HeadDim;
        var (headWeight, headBias) = (state.Matrix("lss.user_heads.weight"), state.Vector("lss.user_heads.bias")); // [H_u·p, d_L]
        if (tower.Count < options.TowerHidden.Count)
        {
            // A linear last tower layer (--tower-output linear) composes with eq. 11's linear heads into one layer:
            // W_h(W_L x + b_L) + b_h = (W_h W_L) x + (W_h b_L + b_h), so serving keeps its ReLU-stack-then-heads shape.
            var (last, lastBias) = FoldedLinear(state, "user_tower.layers", options.TowerHidden.Count - 1, batchNorm: false);
            (headWeight, headBias) = Compose(headWeight, headBias, last, lastBias);
        }

        tensors.Add(Named("user_heads.weight", headWeight.Transposed(), tower[^1], headSize));
        tensors.Add(Named("user_heads.bias", headBias, headSize));

        var width = options.EmbeddingDim; // LSS's d equals the embedding dimension (FitModel)
        tensors.Add(Named("lss.row_fc.weight", state.Matrix("lss.row_fc.weight").Values, width, options.ItemHeads));
        tensors.Add(Named("lss.row_fc.bias", state.Vector("lss.row_fc.bias"), width));
        tensors.Add(Named("lss.column_fc.weight", state.Matrix("lss.column_fc.weight").Values, width, options.UserHeads));
        tensors.Add(Named("lss.column_fc.bias", state.Vector("lss.column_fc.bias"), width));
        tensors.Add(Named("lss.projection.weight", state.Matrix("lss.projection.weight").Values, width * width));

        // Serving needs Q* itself only to embed new items (the item tower graph); it is stored for inspection too.
        tensors.Add(Named("mqm.query_group", queryGroup.Values, n, d));
        return tensors;
    }

    /// <summary>Serving tensors of a Two-Tower model: embeddings, the folded tower and γ.</summary>
    public static IReadOnlyList<NamedTensor> TwoTower(TwoTowerModel model, InteractionLog log)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(log);
        var state = new StateReader(model);
        var tensors = new List<NamedTensor>();
        AddEmbeddings(tensors, state, model.Embeddings, log);
        var tower = model.Options.TowerHidden;
        var width = model.Embeddings.UserDim + model.Embeddings.ItemAttributeDim;
        for (var i = 0; i < tower.Count; i++)
        {
            var (w, bias) = FoldedLinear(state, "user_tower.layers", i, batchNorm: i < tower.Count - 1);
            tensors.Add(Named($"user_tower.fc{i}.weight", w.Transposed(), i == 0 ? width : tower[i - 1], tower[i]));
            tensors.Add(Named($"user_tower.fc{i}.bias", bias, tower[i]));
        }

        tensors.Add(Named("two_tower.scale", [Math.Exp(state.Vector("log_scale")[0])], 1));
        return tensors;
    }

    /// <summary>
    /// Linear layer <paramref name="index"/> of a tower with its BatchNorm folded in (eval mode):
    /// BN(Wx + b) = (s ⊙ W)x + s ⊙ (b − μ) + β with s = γ / √(σ² + ε).
    /// </summary>
    internal static (Matrix Weight, double[] Bias) FoldedLinear(StateReader state, string prefix, int index, bool batchNorm)
    {
        var w = state.Matrix($"{prefix}.fc{index}.weight");
        var b = state.Vector($"{prefix}.fc{index}.bias");
        if (!batchNorm)
        {
            return (w, b);
        }

        var gamma = state.Vector($"{prefix}.bn{index}.weight");
        var beta = state.Vector($"{prefix}.bn{index}.bias");
        var mean = state.Vector($"{prefix}.bn{index}.running_mean");
        var variance = state.Vector($"{prefix}.bn{index}.running_var");
        var folded = new double[w.Values.Length];
        var bias = new double[w.Rows];
        for (var r = 0; r < w.Rows; r++)
        {
            var s = gamma[r] / Math.Sqrt(variance[r] + Tower.BatchNormEpsilon);
            for (var c = 0; c < w.ColumnCount; c++)
            {
                folded[(r * w.ColumnCount) + c] = w[r, c] * s;
            }

            bias[r] = ((b[r] - mean[r]) * s) + beta[r];
        }

        return (new Matrix(folded, w.Rows, w.ColumnCount), bias);
    }

    /// <summary>
    /// The FC widths serving runs, each followed by ReLU: the model's, less a linear last layer (folded into the user
    /// heads by <see cref="Fit"/>). These are the artifact's <c>TowerHidden</c>.
    /// </summary>
    public static IReadOnlyList<int> ServedTowerHidden(ModelOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return options.TowerOutputIsLinear ? options.TowerHidden.Take(options.TowerHidden.Count - 1).ToArray() : options.TowerHidden;
    }

    /// <summary>(W_2 W_1, W_2 b_1 + b_2): two linear layers <c>[out, in]</c> applied in turn, as one.</summary>
    internal static (Matrix Weight, double[] Bias) Compose(Matrix second, double[] secondBias, Matrix first, double[] firstBias)
    {
        if (second.ColumnCount != first.Rows || secondBias.Length != second.Rows || firstBias.Length != first.Rows)
        {
            throw new ArgumentException($"cannot compose [{second.Rows}×{second.ColumnCount}] after [{first.Rows}×{first.ColumnCount}]");
        }

        var weight = new double[second.Rows * first.ColumnCount];
        var bias = new double[second.Rows];
        for (var r = 0; r < second.Rows; r++)
        {
            var b = secondBias[r];
            for (var k = 0; k < first.Rows; k++)
            {
                var s = second[r, k];
                b += s * firstBias[k];
                for (var c = 0; c < first.ColumnCount; c++)
                {
                    weight[(r * first.ColumnCount) + c] += s * first[k, c];
                }
            }

            bias[r] = b;
        }

        return (new Matrix(weight, second.Rows, first.ColumnCount), bias);
    }

    /// <summary>The model's query group Q* as computed in eval mode.</summary>
    internal static Matrix QueryGroup(FitModel model)
    {
        var module = model.MetaQuery ?? throw new InvalidOperationException("The exact-target upper bound has no query group and is not servable.");
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var group = module.QueryGroup().to_type(ScalarType.Float64).contiguous();
        return new Matrix(group.data<double>().ToArray(), (int)group.shape[0], (int)group.shape[1]);
    }

    /// <summary>e_c of every item index (row 0 = padding, zeros), <c>[V, D]</c>, as the model computes it.</summary>
    internal static Matrix ItemAttributes(FeatureEmbeddings embeddings, int itemVocabSize)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var all = arange(itemVocabSize, dtype: ScalarType.Int64);
        var table = embeddings.ItemAttributes(all).to_type(ScalarType.Float64).contiguous();
        return new Matrix(table.data<double>().ToArray(), itemVocabSize, (int)table.shape[1]);
    }

    private static void AddEmbeddings(List<NamedTensor> tensors, StateReader state, FeatureEmbeddings embeddings, InteractionLog log)
    {
        for (var f = 0; f < log.UserFields.Count; f++)
        {
            var table = state.Matrix($"embeddings.user_fields.{f}.weight");
            tensors.Add(Named($"user.embedding.{log.UserFields[f].Name}", table.Values, table.Rows, table.ColumnCount));
        }

        var attributes = ItemAttributes(embeddings, log.ItemVocabSize);
        tensors.Add(Named("item.attributes", attributes.Values, attributes.Rows, attributes.ColumnCount));
    }

    private static void AddDice(List<NamedTensor> tensors, StateReader state, string module, string name)
    {
        var mean = state.Vector($"{module}.bn.running_mean");
        var variance = state.Vector($"{module}.bn.running_var");
        var alpha = state.Vector($"{module}.alpha");
        var scale = new double[mean.Length];
        var shift = new double[mean.Length];
        for (var i = 0; i < mean.Length; i++)
        {
            scale[i] = 1 / Math.Sqrt(variance[i] + Dice.DefaultEpsilon);
            shift[i] = -mean[i] * scale[i];
        }

        tensors.Add(Named($"{name}.scale", scale, mean.Length));
        tensors.Add(Named($"{name}.shift", shift, mean.Length));
        tensors.Add(Named($"{name}.alpha", alpha, mean.Length));
    }

    internal static NamedTensor Named(string name, double[] values, params int[] shape) =>
        new(name, shape, Array.ConvertAll(values, v => (float)v));
}
