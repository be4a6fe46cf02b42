using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace FitCluster.Training.Models;

/// <summary>
/// FIT's Meta Query Module (§4.1): the learnable item meta matrix Q ∈ R^{N×D}, its parameter-free self-attention
/// query group Q*, and the soft query, query index and hard query of a candidate's attribute embedding e_c.
/// </summary>
public sealed class MetaQueryModule : nn.Module
{
    private readonly Parameter meta;
    private readonly bool _selfAttention;

    /// <summary>Creates Q with N rows of width D, Kaiming-uniform initialised (FIT §5.1.4).</summary>
    /// <param name="metaSize">N, the number of item meta vectors.</param>
    /// <param name="dim">D, the width of e_c.</param>
    /// <param name="selfAttention">Whether the query group is (QQᵀ)Q (eq. 5) or Q itself (the Fig. 5 ablation).</param>
    public MetaQueryModule(int metaSize, int dim, bool selfAttention = true) : base(nameof(MetaQueryModule))
    {
        meta = nn.Parameter(empty(metaSize, dim));
        nn.init.kaiming_uniform_(meta);
        _selfAttention = selfAttention;
        RegisterComponents();
    }

    /// <summary>N.</summary>
    public long MetaSize => meta.shape[0];

    /// <summary>The raw item meta matrix Q, <c>[N, D]</c>.</summary>
    public Tensor Meta => meta;

    /// <summary>The query group Q*, <c>[N, D]</c>; row i is the hard query q*_i.</summary>
    public Tensor QueryGroup()
    {
        // FIT, eq. 5: Q* = (QQᵀ)Q — queries, keys and values are Q itself, no projections, no softmax.
        return _selfAttention ? meta.matmul(meta.t()).matmul(meta) : meta.alias();
    }

    /// <summary>Similarity logits e_c q*_iᵀ, <c>[B, N]</c> (the numerator's exponent of eq. 6 before dividing by τ).</summary>
    public static Tensor Logits(Tensor itemAttributes, Tensor queryGroup) => itemAttributes.matmul(queryGroup.t());

    /// <summary>Similarity scores k = softmax(e_c Q*ᵀ / τ), <c>[B, N]</c>.</summary>
    public static Tensor Similarity(Tensor logits, double temperature)
    {
        using var tau = temperature.ToScalar(); // explicit and disposed after use, see ModelInput
        return logits.div(tau).softmax(-1); // FIT, eq. 6
    }

    /// <summary>The soft query q̃* = k Q*, <c>[B, D]</c>.</summary>
    public static Tensor SoftQuery(Tensor similarity, Tensor queryGroup)
    {
        return similarity.matmul(queryGroup); // FIT, eq. 7
    }

    /// <summary>The query index s = argmax_i k_i, int64 <c>[B]</c>; independent of τ &gt; 0, so taken on the logits.</summary>
    public static Tensor QueryIndex(Tensor logits)
    {
        return logits.argmax(-1); // FIT, eq. 8
    }

    /// <summary>The hard query q*_s for each query index, <c>[B, D]</c>.</summary>
    public static Tensor HardQuery(Tensor queryIndex, Tensor queryGroup) => queryGroup.index_select(0, queryIndex);

    /// <summary>Query similarity QS = cos(q̃*, q*_s) per sample, <c>[B]</c>.</summary>
    public static Tensor QuerySimilarity(Tensor softQuery, Tensor hardQuery)
    {
        return nn.functional.cosine_similarity(softQuery, hardQuery, dim: -1, eps: 1e-12); // FIT, eq. 24
    }
}
