using System.Collections.Immutable;
using FitCluster.Grains.Interfaces;
using FitCluster.Model.Ranking;
using FitCluster.Model.Tests;

namespace FitCluster.Grains.Tests;

/// <summary>User grains in the three-silo cluster: stored profile and events, cached heads, and ranking by user id.</summary>
[Collection(ClusterGroup.Name)]
public sealed class UserGrainTests(ClusterFixture fixture)
{
    private static readonly ImmutableArray<string> s_candidates = [.. Enumerable.Range(0, TestArtifact.ItemCount).Reverse().Take(30).Select(TestArtifact.ItemKey)];

    [Theory]
    [InlineData("fit-test-1")]
    [InlineData("two-tower-test-1")]
    public async Task RankByUserId_EqualsInlineFeaturesAndBehaviours_ScoreForScore(string version)
    {
        var userId = $"equal-{version}";
        var user = Grain(userId);
        var features = TestArtifact.User(3, "M");
        UserEvent?[] events = [new("e1", "m4", 10), new("e2", "ghost", 11), new("e3", "m9", 11), new("e4", "m2", 30), new("e5", "m17", 31),
            new("e6", "m4", 40), new("e7", "m5", 41), new("e8", "m30", 42)]; // 7 known: more than the sequence length (6)
        Assert.Empty((await user.SetProfileAsync(Profile(features), Ct)).Errors);
        Assert.Empty((await user.AppendEventsAsync([.. events], Ct)).Errors);

        var byUser = await Rank(new RankRequest(ImmutableDictionary<string, string>.Empty, [], s_candidates, 12, version, userId));
        var inline = await Rank(new RankRequest(features.ToImmutableDictionary(), [.. events.Select(e => e!.Item)], s_candidates, 12, version));
        using var ranker = Ranker.Load(version.StartsWith("fit", StringComparison.Ordinal) ? fixture.FitDirectory : fixture.TwoTowerDirectory);
        var reference = ranker.Rank(new RankQuery(features, [.. events.Select(e => e!.Item)], s_candidates, 12));

        Assert.Null(byUser.Error);
        Assert.Null(inline.Error);
        Assert.Equal(inline.Items, byUser.Items); // ids and scores, exactly
        Assert.Equal(["ghost"], byUser.UnknownBehaviours);
        Assert.Equal(inline.UnknownBehaviours, byUser.UnknownBehaviours);
        Assert.Equal(inline.UnknownFeatures, byUser.UnknownFeatures);
        Assert.Equal(reference.Items.Select(i => i.ItemKey), byUser.Items.Select(i => i.ItemId));
        for (var i = 0; i < reference.Items.Count; i++)
        {
            Assert.Equal(reference.Items[i].Score, byUser.Items[i].Score, 1e-5f);
        }
    }

    [Fact]
    public async Task GetHeads_CachedUntilStateChanges_PerVersion()
    {
        var user = Grain("cache");
        await user.SetProfileAsync(Profile(TestArtifact.User(1)), Ct);
        await user.AppendEventsAsync([new UserEvent("e1", "m3", 5)], Ct);

        var first = await user.GetHeadsAsync("fit-test-1", Ct);
        var second = await user.GetHeadsAsync("fit-test-1", Ct);
        var other = await user.GetHeadsAsync("two-tower-test-1", Ct);
        var firstAgain = await user.GetHeadsAsync("fit-test-1", Ct);
        await user.AppendEventsAsync([new UserEvent("e2", "m7", 6)], Ct);
        var afterEvent = await user.GetHeadsAsync("fit-test-1", Ct);
        var afterEventAgain = await user.GetHeadsAsync("fit-test-1", Ct);
        await user.SetProfileAsync(Profile(TestArtifact.User(2)), Ct);
        var afterProfile = await user.GetHeadsAsync("fit-test-1", Ct);
        var retried = await user.AppendEventsAsync([new UserEvent("e2", "m7", 6)], Ct); // a retry changes nothing
        var afterRetry = await user.GetHeadsAsync("fit-test-1", Ct);

        Assert.Equal([false, true, false, true, false, true, false, true],
            new[] { first, second, other, firstAgain, afterEvent, afterEventAgain, afterProfile, afterRetry }.Select(h => h.Cached));
        Assert.Equal(first.Heads, second.Heads);
        Assert.NotEqual(first.Heads, afterEvent.Heads); // m7 joined the sequence
        Assert.NotEqual(afterEvent.Heads, afterProfile.Heads); // another user_id and gender
        Assert.Equal((0, 1), (retried.Applied, retried.AlreadyApplied));
    }

    [Fact]
    public async Task RankByUserId_NeverStored_UnknownUser()
    {
        var response = await Rank(new RankRequest(ImmutableDictionary<string, string>.Empty, [], ["m1"], 1, UserId: "never-seen"));
        var heads = await Grain("never-seen").GetHeadsAsync("fit-test-1", Ct);

        Assert.Equal("unknown_user", response.Error?.Code);
        Assert.Contains("never-seen' is stored", response.Error!.Message, StringComparison.Ordinal);
        Assert.Equal("unknown_user", heads.Error?.Code);
        Assert.False((await Grain("never-seen").GetAsync(Ct)).Exists);
    }

    [Fact]
    public async Task RankByUserId_EventsButNoProfile_InvalidRequestNamingTheFeature()
    {
        await Grain("no-profile").AppendEventsAsync([new UserEvent("e1", "m1", 1)], Ct);

        var response = await Rank(new RankRequest(ImmutableDictionary<string, string>.Empty, [], ["m1"], 1, UserId: "no-profile"));

        Assert.Equal("invalid_request", response.Error?.Code);
        Assert.Contains("Missing user feature 'user_id'", response.Error!.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("with features")]
    [InlineData("with behaviours")]
    [InlineData("empty id")]
    public async Task RankByUserId_AmbiguousOrEmpty_InvalidRequest(string form)
    {
        var request = form switch
        {
            "with features" => new RankRequest(TestArtifact.User(1).ToImmutableDictionary(), [], ["m1"], 1, UserId: "u"),
            "with behaviours" => new RankRequest(ImmutableDictionary<string, string>.Empty, ["m1"], ["m1"], 1, UserId: "u"),
            _ => new RankRequest(ImmutableDictionary<string, string>.Empty, [], ["m1"], 1, UserId: ""),
        };

        var response = await Rank(request);

        Assert.Equal("invalid_request", response.Error?.Code);
    }

    [Fact]
    public async Task SetProfile_UnknownOrNullFeature_AllOrNothing()
    {
        var user = Grain("profile-rules");
        await user.SetProfileAsync(Profile(TestArtifact.User(1)), Ct);

        var refused = await user.SetProfileAsync(ImmutableDictionary<string, string?>.Empty
            .Add("user_id", "u2").Add("shoe_size", "9").Add("gender", null), Ct);
        var empty = await user.SetProfileAsync(ImmutableDictionary<string, string?>.Empty, Ct);
        var snapshot = await user.GetAsync(Ct);

        Assert.Equal(0, refused.Applied);
        Assert.Equal(["features.gender:invalid_feature", "features.shoe_size:unknown_feature"], refused.Errors.Select(e => $"{e.Field}:{e.Code}"));
        Assert.Contains("user_id", refused.Errors[1].Message, StringComparison.Ordinal); // says which features exist
        Assert.Equal(["features:invalid_feature"], empty.Errors.Select(e => $"{e.Field}:{e.Code}"));
        Assert.Equal(["gender=F", "user_id=u1"], snapshot.Features.Select(f => $"{f.Key}={f.Value}").Order(StringComparer.Ordinal)); // unchanged
        Assert.Equal(1, snapshot.Revision);
    }

    [Fact]
    public async Task AppendEvents_MixedBatch_GoodOnesStoredBadOnesNamed()
    {
        var user = Grain("mixed");
        await user.AppendEventsAsync([new UserEvent("s1", "m1", 100)], Ct);

        var result = await user.AppendEventsAsync(
            [new UserEvent("a", "m2", 100), null, new UserEvent("s1", "m1", 100), new UserEvent("old", "m3", 99), new UserEvent("d", "m4", 101), new UserEvent("d", "m5", 102), new UserEvent("b", "m6", 103)], Ct);
        var snapshot = await user.GetAsync(Ct);

        Assert.Equal((2, 1, 3), (result.Applied, result.AlreadyApplied, result.EventCount));
        Assert.Equal(["events[1]:invalid_event", "events[3]:event_out_of_order", "events[4]:duplicate_event_id", "events[5]:duplicate_event_id"],
            result.Errors.Select(e => $"{e.Field}:{e.Code}"));
        Assert.Equal(["s1", "a", "b"], snapshot.Events.Select(e => e.EventId).Take(3));
        Assert.Equal(3, snapshot.Events.Length);
        Assert.Equal(2, snapshot.Revision);
    }

    [Fact]
    public async Task AppendEvents_OversizeBatch_NothingStored()
    {
        var user = Grain("oversize");
        await user.AppendEventsAsync([new UserEvent("s1", "m1", 1)], Ct);

        var result = await user.AppendEventsAsync([.. Enumerable.Range(0, 1_001).Select(i => (UserEvent?)new UserEvent($"e{i}", "m2", 2 + i))], Ct);

        Assert.Equal((0, 1), (result.Applied, result.EventCount));
        Assert.Equal(["events:batch_too_large"], result.Errors.Select(e => $"{e.Field}:{e.Code}"));
    }

    [Fact]
    public async Task Writes_StorageFails_CallFailsAndNothingChangesInMemory()
    {
        var user = Grain("storage-down");
        await user.SetProfileAsync(Profile(TestArtifact.User(1)), Ct);
        await user.AppendEventsAsync([new UserEvent("e1", "m1", 1), new UserEvent("e2", "m2", 2)], Ct);
        var cached = await user.GetHeadsAsync("fit-test-1", Ct);

        await Assert.ThrowsAnyAsync<Exception>(async () => await user.AppendEventsAsync(
            [new UserEvent("e3", "m3", 3), new UserEvent("e4", PoisonedWritesStorage.Poison, 4)], Ct));
        await Assert.ThrowsAnyAsync<Exception>(async () => await user.SetProfileAsync(
            Profile(new Dictionary<string, string> { ["user_id"] = PoisonedWritesStorage.Poison, ["gender"] = "M" }), Ct));
        var after = await user.GetAsync(Ct);
        var headsAfter = await user.GetHeadsAsync("fit-test-1", Ct);
        var retried = await user.AppendEventsAsync([new UserEvent("e3", "m3", 3)], Ct); // e3 was never stored: applied now

        Assert.Equal(["e1", "e2"], after.Events.Select(e => e.EventId));
        Assert.Equal(["gender=F", "user_id=u1"], after.Features.Select(f => $"{f.Key}={f.Value}").Order(StringComparer.Ordinal));
        Assert.Equal(2, after.Revision);
        Assert.Equal(cached.Heads, headsAfter.Heads);
        Assert.Equal((1, 0, 3), (retried.Applied, retried.AlreadyApplied, retried.EventCount));
    }

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private IUserGrain Grain(string userId) => fixture.Cluster.GrainFactory.GetGrain<IUserGrain>($"{nameof(UserGrainTests)}/{userId}");

    private Task<RankResponse> Rank(RankRequest request) =>
        fixture.Cluster.GrainFactory.GetGrain<IRankingGrain>("rank")
            .RankAsync(request.UserId is { Length: > 0 } id ? request with { UserId = $"{nameof(UserGrainTests)}/{id}" } : request, Ct).AsTask();

    private static ImmutableDictionary<string, string?> Profile(Dictionary<string, string> features) =>
        features.ToImmutableDictionary(f => f.Key, f => (string?)f.Value);
}
