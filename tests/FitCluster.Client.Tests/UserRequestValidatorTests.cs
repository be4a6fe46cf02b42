using System.Text.Json;
using FitCluster.Client.Api;
using FitCluster.Client.Gateway;

namespace FitCluster.Client.Tests;

/// <summary>What the door alone refuses in the user endpoints' bodies, and the rank request's <c>user_id</c>.</summary>
public sealed class UserRequestValidatorTests
{
    private static readonly GatewayOptions s_options = new() { MaxCandidates = 5, MaxK = 3, MaxBehaviours = 4 };

    [Fact]
    public void Events_WellFormed_ReadInOrder()
    {
        var (events, rejected, problem) = UserRequestValidator.Events(
            EventsBody("""{"events": [{"event_id": "e1", "item": "m3", "timestamp": 1700000000}, {"event_id": "e2", "item": "m1", "timestamp": 0}, {"event_id": "e3", "item": "m2", "timestamp": 1.7e9}, {"event_id": "e4", "item": "m2", "timestamp": 1700000001.0}]}"""), s_options);

        Assert.Null(problem);
        Assert.Empty(rejected);
        Assert.Equal(4, events.Length);
        Assert.Equal(("e1", "m3", 1700000000L), (events[0]!.EventId, events[0]!.Item, events[0]!.Timestamp));
        Assert.Equal(("e2", "m1", 0L), (events[1]!.EventId, events[1]!.Item, events[1]!.Timestamp));
        Assert.Equal(1700000000L, events[2]!.Timestamp); // an exponent, still whole seconds
        Assert.Equal(1700000001L, events[3]!.Timestamp);
    }

    [Theory]
    [InlineData("""{"event_id": "e", "item": "m1", "timestamp": "NaN"}""", "timestamp must be whole seconds", "got string")]
    [InlineData("""{"event_id": "e", "item": "m1", "timestamp": 1.5}""", "timestamp must be whole seconds", "got 1.5")]
    [InlineData("""{"event_id": "e", "item": "m1", "timestamp": -1}""", "timestamp must be whole seconds", "got -1")]
    [InlineData("""{"event_id": "e", "item": "m1", "timestamp": 1e999}""", "timestamp must be whole seconds", "got 1e999")]
    [InlineData("""{"event_id": "e", "item": "m1"}""", "timestamp is required", "Event 'e'")]
    [InlineData("""{"item": "m1", "timestamp": 5}""", "event_id is required", "The event")]
    [InlineData("""{"event_id": 7, "item": "m1", "timestamp": 5}""", "event_id must be a string", "got number")]
    [InlineData("""{"event_id": "", "item": "m1", "timestamp": 5}""", "event_id must be a string", "got 0 characters")]
    [InlineData("""{"event_id": "e", "item": null, "timestamp": 5}""", "item must be a string", "got null")]
    [InlineData("""{"event_id": "e", "item": true, "timestamp": 5}""", "item must be a string", "got true")]
    [InlineData("""["e", "m1", 5]""", "must be an object", "got array")]
    [InlineData("""null""", "must be an object", "got null")]
    public void Events_MalformedEvent_RefusedAloneWithItsIndex(string bad, string reason, string detail)
    {
        var (events, rejected, problem) = UserRequestValidator.Events(EventsBody(
            $$"""{"events": [{"event_id": "a", "item": "m1", "timestamp": 1}, {{bad}}, {"event_id": "c", "item": "m2", "timestamp": 2}]}"""), s_options);

        Assert.Null(problem);
        Assert.Equal(["events[1]"], rejected.Keys);
        Assert.Contains(reason, rejected["events[1]"], StringComparison.Ordinal);
        Assert.Contains(detail, rejected["events[1]"], StringComparison.Ordinal);
        // The refused event stays in place as null, so the indices of the others are those sent.
        Assert.Equal(3, events.Length);
        Assert.Equal("a", events[0]!.EventId);
        Assert.Null(events[1]);
        Assert.Equal("c", events[2]!.EventId);
    }

    [Fact]
    public void Events_OverlongIds_Refused()
    {
        var id = new string('x', 257);
        var (_, rejected, _) = UserRequestValidator.Events(EventsBody(
            $$"""{"events": [{"event_id": "{{id}}", "item": "m1", "timestamp": 1}, {"event_id": "b", "item": "{{id}}", "timestamp": 1}, {"event_id": "{{id[..256]}}", "item": "m1", "timestamp": 1}]}"""), s_options);

        Assert.Equal(["events[0]", "events[1]"], rejected.Keys.Order(StringComparer.Ordinal));
        Assert.Contains("event_id must be a string of 1..256", rejected["events[0]"], StringComparison.Ordinal);
        Assert.Contains("item must be a string of 1..256", rejected["events[1]"], StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"events": []}""", "at least one event")]
    [InlineData("""{}""", "at least one event")]
    [InlineData("""{"events": [{}, {}, {}, {}, {}]}""", "5 events exceed the limit of 4 per batch; nothing was applied")]
    public void Events_EmptyOrOversizeBatch_RefusedWhole(string json, string reason)
    {
        var (events, rejected, problem) = UserRequestValidator.Events(EventsBody(json), s_options);

        Assert.NotNull(problem);
        Assert.Contains(reason, problem, StringComparison.Ordinal);
        Assert.Empty(events);
        Assert.Empty(rejected);
    }

    [Fact]
    public void Profile_WrongTypedValues_NullInPlaceWithTheReason()
    {
        var (features, rejected, problem) = UserRequestValidator.Profile(ProfileBody(
            """{"features": {"user_id": "u1", "age": 25, "gender": true, "zip": {"a": 1}, "big": 1e999, "none": null}}"""));

        Assert.Null(problem);
        Assert.Equal("u1", features["user_id"]);
        Assert.Equal("25", features["age"]); // a number is kept as its JSON text, as in a rank request
        Assert.Equal(["features.big", "features.gender", "features.none", "features.zip"], rejected.Keys.Order(StringComparer.Ordinal));
        Assert.Contains("finite number", rejected["features.big"], StringComparison.Ordinal);
        Assert.Contains("got true", rejected["features.gender"], StringComparison.Ordinal);
        Assert.Contains("got null", rejected["features.none"], StringComparison.Ordinal);
        Assert.Contains("got object", rejected["features.zip"], StringComparison.Ordinal);
        foreach (var name in (string[])["big", "gender", "none", "zip"])
        {
            Assert.Null(features[name]);
        }
    }

    [Theory]
    [InlineData("""{}""")]
    [InlineData("""{"features": {}}""")]
    [InlineData("""{"features": null}""")]
    public void Profile_NoFeatures_RefusedWhole(string json)
    {
        var (_, _, problem) = UserRequestValidator.Profile(ProfileBody(json));
        Assert.Contains("at least one feature", problem, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(null, true)]
    [InlineData("", true)]
    [InlineData("u", false)]
    public void UserIdProblem_EmptyOrOverlong(string? id, bool refused) => Assert.Equal(refused, UserRequestValidator.UserIdProblem(id) is not null);

    [Fact]
    public void UserIdProblem_Length256Accepted257Refused()
    {
        Assert.Null(UserRequestValidator.UserIdProblem(new string('u', 256)));
        Assert.NotNull(UserRequestValidator.UserIdProblem(new string('u', 257)));
    }

    [Fact]
    public void Rank_UserIdAlone_BuildsRequestByUser()
    {
        var (request, errors) = RankRequestValidator.Validate(RankBody("""{"user_id": "u7", "candidates": ["3", "4"], "k": 2}"""), s_options);

        Assert.Empty(errors);
        Assert.Equal("u7", request!.UserId);
        Assert.Empty(request.UserFeatures);
        Assert.Empty(request.Behaviours);
    }

    [Theory]
    [InlineData("""{"user_id": "u7", "user": {"user_id": "1"}, "candidates": ["3"], "k": 1}""", "not both")]
    [InlineData("""{"user_id": "u7", "behaviours": ["1"], "candidates": ["3"], "k": 1}""", "not both")]
    [InlineData("""{"user_id": "", "candidates": ["3"], "k": 1}""", "1..256 characters")]
    public void Rank_BadUserId_400OnUserId(string json, string reason)
    {
        var (request, errors) = RankRequestValidator.Validate(RankBody(json), s_options);

        Assert.Null(request);
        Assert.Contains(errors["user_id"], m => m.Contains(reason, StringComparison.Ordinal));
    }

    private static UserEventsBody EventsBody(string json) => JsonSerializer.Deserialize<UserEventsBody>(json, FitClusterHttpClient.Json)!;

    private static UserProfileBody ProfileBody(string json) => JsonSerializer.Deserialize<UserProfileBody>(json, FitClusterHttpClient.Json)!;

    private static RankRequestBody RankBody(string json) => JsonSerializer.Deserialize<RankRequestBody>(json, FitClusterHttpClient.Json)!;
}
