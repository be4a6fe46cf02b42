using System.Globalization;

namespace FitCluster.Model.Ranking;

/// <summary>
/// The limits of a ranking request and the checks that enforce them, defined once for every door: the HTTP API (gateway
/// and silo), the coordinator grain and the in-process <see cref="Ranker"/>. Repeated candidates are found here, at the
/// door, with one set of the ids; nothing downstream checks again.
/// </summary>
/// <param name="MaxCandidates">Largest candidate list (default 10,000).</param>
/// <param name="MaxK">Largest k (default 1,000).</param>
/// <param name="MaxBehaviours">Longest behaviour list (default 1,000; only the latest sequence length are used).</param>
public sealed record RankLimits(int MaxCandidates = RankLimits.DefaultMaxCandidates, int MaxK = RankLimits.DefaultMaxK, int MaxBehaviours = RankLimits.DefaultMaxBehaviours)
{
    /// <summary>Default <see cref="MaxCandidates"/>.</summary>
    public const int DefaultMaxCandidates = 10_000;

    /// <summary>Default <see cref="MaxK"/>.</summary>
    public const int DefaultMaxK = 1_000;

    /// <summary>Default <see cref="MaxBehaviours"/>.</summary>
    public const int DefaultMaxBehaviours = 1_000;

    /// <summary>The defaults.</summary>
    public static RankLimits Default { get; } = new();

    [ThreadStatic]
    private static HashSet<string>? t_seen;

    /// <summary>Every problem of a request's ids and k, by field (<c>candidates</c>, <c>behaviours</c>, <c>k</c>); empty when valid.</summary>
    /// <param name="candidates">Candidate ids (distinct, non-empty, 1..<see cref="MaxCandidates"/>).</param>
    /// <param name="behaviours">Behaviour ids (non-empty, at most <see cref="MaxBehaviours"/>); null for none.</param>
    /// <param name="k">How many to return (1..<see cref="MaxK"/>).</param>
    public IReadOnlyList<(string Field, string Message)> Check(IReadOnlyList<string?>? candidates, IReadOnlyList<string?>? behaviours, int k)
    {
        var problems = new List<(string, string)>();
        if (candidates is null || candidates.Count == 0)
        {
            problems.Add(("candidates", "At least one candidate is required."));
        }
        else if (candidates.Count > MaxCandidates)
        {
            problems.Add(("candidates", string.Create(CultureInfo.InvariantCulture, $"{candidates.Count:N0} candidates exceed the limit of {MaxCandidates:N0}.")));
        }
        else
        {
            // One set per thread, cleared after use: a set sized for every candidate was ~30 % of the bytes a ranking
            // request allocated (the front door and the coordinator both check), and nothing in here awaits.
            var seen = t_seen ??= new HashSet<string>(StringComparer.Ordinal);
            seen.EnsureCapacity(candidates.Count);
            List<string>? duplicates = null;
            try
            {
                for (var i = 0; i < candidates.Count; i++)
                {
                    var candidate = candidates[i];
                    if (string.IsNullOrEmpty(candidate))
                    {
                        problems.Add(("candidates", "Candidate ids must be non-empty strings."));
                        break;
                    }

                    if (!seen.Add(candidate) && (duplicates ??= []).Count < 10)
                    {
                        duplicates.Add(candidate);
                    }
                }
            }
            finally
            {
                seen.Clear();
            }

            if (duplicates is not null)
            {
                problems.Add(("candidates", $"Duplicate candidate ids: {string.Join(", ", duplicates)}."));
            }
        }

        if (behaviours is not null)
        {
            if (behaviours.Count > MaxBehaviours)
            {
                problems.Add(("behaviours", string.Create(CultureInfo.InvariantCulture, $"{behaviours.Count:N0} behaviours exceed the limit of {MaxBehaviours:N0}.")));
            }
            else
            {
                foreach (var behaviour in behaviours)
                {
                    if (string.IsNullOrEmpty(behaviour))
                    {
                        problems.Add(("behaviours", "Behaviour ids must be non-empty strings."));
                        break;
                    }
                }
            }
        }

        if (k < 1 || k > MaxK)
        {
            problems.Add(("k", string.Create(CultureInfo.InvariantCulture, $"k must be in 1..{MaxK}, got {k}.")));
        }

        return problems;
    }
}
