using Microsoft.Extensions.Options;

namespace FitCluster.Grains.Placement;

/// <summary>
/// Which silos item shards may be placed on: those that started at least <see cref="RankingOptions.ShardJoinGrace"/>
/// ago. A silo that has just joined is still loading and warming its model versions; shards placed or migrated onto it
/// then would make requests wait for that load (and miss their deadline under load).
/// </summary>
/// <remarks>
/// <para>A silo's start time is read from its address: Orleans' generation is the whole seconds from 2022-01-01 UTC to
/// the silo's start (<c>SiloAddress.AllocateNewGeneration</c>), so every silo computes the same age for every other, up
/// to clock skew, and the placement director and the rebalancers of all silos work from one list. (Ages counted from
/// when each silo first saw the others differed between silos during a start-up, and the silos placed the same shards by
/// different plans: measured at 10M items, 6 shards were loaded 16–18 times per start.)</para>
/// <para>Thread-safe. With a grace of zero every active silo is eligible at once.</para>
/// </remarks>
public sealed class SiloMaturity(IOptions<RankingOptions> options, TimeProvider time)
{
    /// <summary>Where Orleans counts silo generations from.</summary>
    public static readonly DateTimeOffset GenerationEpoch = new(2022, 1, 1, 0, 0, 0, TimeSpan.Zero);

    /// <summary>When <paramref name="silo"/> started, from its generation.</summary>
    public static DateTimeOffset StartedAt(SiloAddress silo)
    {
        ArgumentNullException.ThrowIfNull(silo);
        return GenerationEpoch.AddSeconds(silo.Generation);
    }

    /// <summary>
    /// The silos of <paramref name="silos"/> that have settled (all of them when none has, so a shard always has a home),
    /// and how long until the next of the others settles (null when none is waiting).
    /// </summary>
    public IReadOnlyList<SiloAddress> Eligible(IReadOnlyList<SiloAddress> silos, out TimeSpan? nextSettles)
    {
        ArgumentNullException.ThrowIfNull(silos);
        nextSettles = null;
        var grace = options.Value.ShardJoinGrace;
        if (grace <= TimeSpan.Zero)
        {
            return silos;
        }

        var now = time.GetUtcNow();
        List<SiloAddress>? settled = null;
        for (var i = 0; i < silos.Count; i++)
        {
            var age = now - StartedAt(silos[i]);
            if (age >= grace)
            {
                (settled ??= new List<SiloAddress>(silos.Count)).Add(silos[i]);
            }
            else
            {
                var wait = grace - (age < TimeSpan.Zero ? TimeSpan.Zero : age);
                if (nextSettles is not { } next || wait < next)
                {
                    nextSettles = wait;
                }
            }
        }

        return settled is null ? silos : settled.Count == silos.Count ? silos : settled;
    }
}
