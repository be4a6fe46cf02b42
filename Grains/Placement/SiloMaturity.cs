using System.Collections.Concurrent;
using Microsoft.Extensions.Options;

namespace FitCluster.Grains.Placement;

/// <summary>
/// Which silos item shards may be placed on: those this silo has seen active for at least
/// <see cref="RankingOptions.ShardJoinGrace"/>. A silo that has just joined is still loading and warming its model
/// versions; shards placed or migrated onto it then would make requests wait for that load (and miss their deadline
/// under load). Silos already active when this silo started count as settled; this silo itself does not, until the grace
/// has passed, so that every silo's view agrees once the grace is over.
/// </summary>
/// <remarks>Thread-safe. With a grace of zero every active silo is eligible at once.</remarks>
public sealed class SiloMaturity(IClusterMembershipService membership, ILocalSiloDetails localSilo, IOptions<RankingOptions> options, TimeProvider time)
{
    private readonly ConcurrentDictionary<SiloAddress, long> _firstSeen = new();
    private readonly Lock _gate = new();
    private MembershipVersion _seen = MembershipVersion.MinValue;
    private bool _baselineTaken;

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

        Refresh();
        var now = time.GetTimestamp();
        List<SiloAddress>? settled = null;
        for (var i = 0; i < silos.Count; i++)
        {
            var silo = silos[i];
            var age = _firstSeen.TryGetValue(silo, out var seen) ? (seen == long.MinValue ? TimeSpan.MaxValue : time.GetElapsedTime(seen, now)) : TimeSpan.Zero;
            if (age >= grace)
            {
                (settled ??= new List<SiloAddress>(silos.Count)).Add(silo);
            }
            else if (nextSettles is not { } next || grace - age < next)
            {
                nextSettles = grace - age;
            }
        }

        return settled is null ? silos : settled.Count == silos.Count ? silos : settled;
    }

    // Records when each active silo was first seen; the first snapshot's silos (but this one) are settled already.
    private void Refresh()
    {
        var snapshot = membership.CurrentSnapshot;
        if (snapshot.Version == _seen)
        {
            return;
        }

        lock (_gate)
        {
            var now = time.GetTimestamp();
            foreach (var member in snapshot.Members.Values)
            {
                if (member.Status == SiloStatus.Active)
                {
                    var settled = !_baselineTaken && !member.SiloAddress.Equals(localSilo.SiloAddress);
                    _firstSeen.TryAdd(member.SiloAddress, settled ? long.MinValue : now);
                }
                else if (member.Status is SiloStatus.Dead)
                {
                    _firstSeen.TryRemove(member.SiloAddress, out _);
                }
            }

            _firstSeen.TryAdd(localSilo.SiloAddress, now);
            _baselineTaken = true;
            _seen = snapshot.Version;
        }
    }
}
