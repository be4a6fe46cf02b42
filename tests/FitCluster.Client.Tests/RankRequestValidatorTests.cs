using System.Text.Json;
using FitCluster.Client.Api;
using FitCluster.Client.Gateway;

namespace FitCluster.Client.Tests;

public sealed class RankRequestValidatorTests
{
    private static readonly GatewayOptions s_options = new() { MaxCandidates = 5, MaxK = 3, MaxBehaviours = 4 };

    [Fact]
    public void Validate_GoodRequest_BuildsClusterRequest()
    {
        var body = Body("""{"user": {"user_id": "42", "age": 25}, "behaviours": ["1", "2"], "candidates": ["3", "4"], "k": 2, "model_version": "v1"}""");

        var (request, errors) = RankRequestValidator.Validate(body, s_options);

        Assert.Empty(errors);
        Assert.NotNull(request);
        Assert.Equal("42", request.UserFeatures["user_id"]);
        Assert.Equal("25", request.UserFeatures["age"]); // numbers are accepted as their JSON text
        Assert.Equal(["1", "2"], request.Behaviours);
        Assert.Equal(["3", "4"], request.Candidates);
        Assert.Equal(2, request.K);
        Assert.Equal("v1", request.ModelVersion);
        // Marked with the limits it was checked against (5, 3, 4 in that order): a coordinator with the same ones skips its check.
        Assert.Equal(new FitCluster.Model.Ranking.RankLimits(MaxCandidates: 5, MaxK: 3, MaxBehaviours: 4), request.CheckedAgainst);
    }

    [Theory]
    [InlineData("""{"user": {"user_id": "1"}, "candidates": [], "k": 1}""", "candidates", "At least one candidate")]
    [InlineData("""{"user": {"user_id": "1"}, "k": 1}""", "candidates", "At least one candidate")]
    [InlineData("""{"user": {"user_id": "1"}, "candidates": ["1","2","3","4","5","6"], "k": 1}""", "candidates", "exceed the limit of 5")]
    [InlineData("""{"user": {"user_id": "1"}, "candidates": ["1","2","1"], "k": 1}""", "candidates", "Duplicate candidate ids: 1")]
    [InlineData("""{"user": {"user_id": "1"}, "candidates": ["1", null], "k": 1}""", "candidates", "non-empty strings")]
    [InlineData("""{"user": {"user_id": "1"}, "candidates": ["1"], "k": 0}""", "k", "k must be in 1..3")]
    [InlineData("""{"user": {"user_id": "1"}, "candidates": ["1"], "k": 4}""", "k", "k must be in 1..3")]
    [InlineData("""{"user": {"user_id": "1"}, "behaviours": ["1","2","3","4","5"], "candidates": ["1"], "k": 1}""", "behaviours", "exceed the limit of 4")]
    [InlineData("""{"user": {"user_id": "1"}, "behaviours": [""], "candidates": ["1"], "k": 1}""", "behaviours", "non-empty")]
    [InlineData("""{"candidates": ["1"], "k": 1}""", "user", "User features are required")]
    [InlineData("""{"user": {"user_id": null}, "candidates": ["1"], "k": 1}""", "user.user_id", "string or a finite number")]
    [InlineData("""{"user": {"user_id": ["a"]}, "candidates": ["1"], "k": 1}""", "user.user_id", "string or a finite number")]
    [InlineData("""{"user": {"age": 1e999}, "candidates": ["1"], "k": 1}""", "user.age", "finite number")]
    [InlineData("""{"user": {"user_id": "1"}, "candidates": ["1"], "k": 1, "model_version": ""}""", "model_version", "non-empty")]
    public void Validate_BadRequest_ReportsFieldAndReason(string json, string field, string reason)
    {
        var (request, errors) = RankRequestValidator.Validate(Body(json), s_options);

        Assert.Null(request);
        Assert.True(errors.TryGetValue(field, out var messages), $"no error for '{field}': {string.Join("; ", errors.Select(e => $"{e.Key}: {string.Join(", ", e.Value)}"))}");
        Assert.Contains(messages, m => m.Contains(reason, StringComparison.Ordinal));
    }

    [Fact]
    public void Validate_SeveralProblems_ReportsAllAtOnce()
    {
        var (_, errors) = RankRequestValidator.Validate(Body("""{"candidates": ["1","1"], "k": 0}"""), s_options);
        Assert.Equal(["candidates", "k", "user"], errors.Keys.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Validate_NullBody_AsksForJson()
    {
        var (_, errors) = RankRequestValidator.Validate(null, s_options);
        Assert.Contains("JSON body", errors["body"][0], StringComparison.Ordinal);
    }

    private static RankRequestBody Body(string json) => JsonSerializer.Deserialize<RankRequestBody>(json, FitClusterHttpClient.Json)!;
}
