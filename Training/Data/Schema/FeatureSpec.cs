namespace FitCluster.Training.Data.Schema;

/// <summary>One feature of a user or item table.</summary>
/// <remarks>
/// Kinds: <c>categorical</c> (one value; vocabulary = the distinct values of the kept entities, integers ascending and
/// text ordinal, or <see cref="Values"/>), <c>multi-valued</c> (text split on <see cref="Separator"/>, or a list column;
/// duplicates within a row dropped; mean-pooled) and <c>numeric</c> (a number put in a bucket by <see cref="Buckets"/>).
/// Missing values (null, empty, unparsable number, or no table row) get index 0.
/// </remarks>
public sealed record FeatureSpec
{
    /// <summary>Feature name in the model, the artifact and the serving API (lowercase snake_case). Required.</summary>
    public string? Name { get; init; }

    /// <summary>Column holding it; default <see cref="Name"/>.</summary>
    public string? Column { get; init; }

    /// <summary><c>categorical</c>, <c>multi-valued</c> or <c>numeric</c>. Required.</summary>
    public string? Kind { get; init; }

    /// <summary>multi-valued over text: the separator (<c>|</c>). Not used for list columns.</summary>
    public string? Separator { get; init; }

    /// <summary>numeric: ascending bucket boundaries b_1 &lt; … &lt; b_k; a value v gets bucket 1 + #{b_i ≤ v}.</summary>
    public IReadOnlyList<double>? Buckets { get; init; }

    /// <summary>categorical: a fixed vocabulary in this order (1..K); other values count as unseen and get 0.</summary>
    public IReadOnlyList<string>? Values { get; init; }
}
