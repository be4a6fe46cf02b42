using System.Collections.Immutable;
using System.Net;
using FitCluster.Grains;
using FitCluster.Grains.Placement;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace FitCluster.Grains.Tests;

/// <summary>
/// <see cref="SiloMaturity"/>: a silo that joins is left out of shard placement for the join grace (it is still loading its
/// versions); the silos there before this one started are settled at once; this silo itself waits out the grace too.
/// </summary>
public sealed class SiloMaturityTests
{
    private static readonly TimeSpan s_grace = TimeSpan.FromSeconds(30);
    private static readonly SiloAddress s_here = Silo(1);
    private static readonly SiloAddress s_old = Silo(2);
    private static readonly SiloAddress s_joiner = Silo(3);

    [Fact]
    public void JoinerExcludedUntilItsGraceHasPassed_TheOthersAtOnce()
    {
        var time = new FakeTimeProvider();
        var membership = new Membership(Snapshot(1, (s_here, SiloStatus.Active), (s_old, SiloStatus.Active)));
        var maturity = Make(membership, time, s_grace);

        // At start: the silo that was there already is settled; this silo is not (others do not count it yet either).
        Assert.Equal([s_old], maturity.Eligible([s_here, s_old], out var next));
        Assert.Equal(s_grace, next);

        time.Advance(TimeSpan.FromSeconds(10));
        membership.Current = Snapshot(2, (s_here, SiloStatus.Active), (s_old, SiloStatus.Active), (s_joiner, SiloStatus.Active));
        Assert.Equal([s_old], maturity.Eligible([s_joiner, s_here, s_old], out next));
        Assert.Equal(TimeSpan.FromSeconds(20), next); // this silo settles first

        time.Advance(TimeSpan.FromSeconds(20));
        Assert.Equal([s_here, s_old], maturity.Eligible([s_joiner, s_here, s_old], out next));
        Assert.Equal(TimeSpan.FromSeconds(10), next);

        time.Advance(TimeSpan.FromSeconds(10) - TimeSpan.FromTicks(1));
        Assert.Equal([s_here, s_old], maturity.Eligible([s_joiner, s_here, s_old], out _));
        time.Advance(TimeSpan.FromTicks(1));
        Assert.Equal([s_joiner, s_here, s_old], maturity.Eligible([s_joiner, s_here, s_old], out next));
        Assert.Null(next);
    }

    [Fact]
    public void NoSiloSettled_AllAreEligible_SoAShardAlwaysHasAHome()
    {
        var time = new FakeTimeProvider();
        var membership = new Membership(Snapshot(1, (s_here, SiloStatus.Active)));
        var maturity = Make(membership, time, s_grace);
        Assert.Equal([s_here], maturity.Eligible([s_here], out var next));
        Assert.Equal(s_grace, next);
    }

    [Fact]
    public void SiloThatDiedAndCameBackUnderTheSameAddress_WaitsAgain()
    {
        var time = new FakeTimeProvider();
        var membership = new Membership(Snapshot(1, (s_here, SiloStatus.Active), (s_old, SiloStatus.Active)));
        var maturity = Make(membership, time, s_grace);
        Assert.Equal([s_old], maturity.Eligible([s_old], out _));
        membership.Current = Snapshot(2, (s_here, SiloStatus.Active), (s_old, SiloStatus.Dead));
        Assert.Equal([s_here], maturity.Eligible([s_here], out _)); // nothing settled: all eligible
        membership.Current = Snapshot(3, (s_here, SiloStatus.Active), (s_old, SiloStatus.Active));
        time.Advance(s_grace);
        Assert.Equal([s_here], maturity.Eligible([s_here, s_old], out var next)); // s_old is new again; this silo has settled
        Assert.Equal(s_grace, next);
    }

    [Fact]
    public void ZeroGrace_EverySiloAtOnce()
    {
        var membership = new Membership(Snapshot(1, (s_here, SiloStatus.Active), (s_joiner, SiloStatus.Active)));
        var maturity = Make(membership, new FakeTimeProvider(), TimeSpan.Zero);
        Assert.Equal([s_joiner, s_here], maturity.Eligible([s_joiner, s_here], out var next));
        Assert.Null(next);
    }

    private static SiloMaturity Make(Membership membership, TimeProvider time, TimeSpan grace) =>
        new(membership, new LocalSilo(s_here), Options.Create(new RankingOptions { ShardJoinGrace = grace }), time);

    private static SiloAddress Silo(int n) => SiloAddress.New(new IPEndPoint(IPAddress.Loopback, 11110 + n), n);

    private static ClusterMembershipSnapshot Snapshot(long version, params (SiloAddress Silo, SiloStatus Status)[] members) =>
        new(members.ToImmutableDictionary(m => m.Silo, m => new ClusterMember(m.Silo, m.Status, m.Silo.ToString())), new MembershipVersion(version));

    private sealed class Membership(ClusterMembershipSnapshot current) : IClusterMembershipService
    {
        public ClusterMembershipSnapshot Current { get; set; } = current;

        public ClusterMembershipSnapshot CurrentSnapshot => Current;

        public IAsyncEnumerable<ClusterMembershipSnapshot> MembershipUpdates => throw new NotSupportedException();

        public ValueTask Refresh(MembershipVersion minimumVersion = default, CancellationToken cancellationToken = default) => ValueTask.CompletedTask;

        public Task<bool> TryKill(SiloAddress siloAddress) => Task.FromResult(false);
    }

    private sealed class LocalSilo(SiloAddress address) : ILocalSiloDetails
    {
        public string Name => "here";

        public string ClusterId => "test";

        public string DnsHostName => "localhost";

        public SiloAddress SiloAddress => address;

        public SiloAddress GatewayAddress => address;
    }
}
