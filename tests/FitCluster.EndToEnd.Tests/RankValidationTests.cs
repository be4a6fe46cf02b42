using System.Net;
using FitCluster.EndToEnd.Tests.Infrastructure;
using FitCluster.EndToEnd.Tests.Wire;

namespace FitCluster.EndToEnd.Tests;

/// <summary>Bad input over HTTP: every rule answers 400 and says which field is wrong and why, and the cluster stays up.</summary>
[Collection(ClusterGroup.Name)]
[Trait("Category", "EndToEnd")]
public sealed class RankValidationTests(ClusterFixture fixture)
{
    private const string User = """{"user_id": "u1", "gender": "F"}""";

    public static TheoryData<string, string, string> FieldErrors
    {
        get
        {
            var many = string.Join(", ", Enumerable.Range(1, ClusterProcesses.MaxCandidates + 1).Select(i => $"\"m{i}\""));
            var longHistory = string.Join(", ", Enumerable.Range(1, ClusterProcesses.MaxBehaviours + 1).Select(i => $"\"m{i}\""));
            return new()
            {
                { $$"""{"user": {{User}}, "candidates": [], "k": 5}""", "candidates", "At least one candidate is required." },
                { $$"""{"user": {{User}}, "k": 5}""", "candidates", "At least one candidate is required." },
                { $$"""{"user": {{User}}, "candidates": [{{many}}], "k": 5}""", "candidates", $"51 candidates exceed the limit of {ClusterProcesses.MaxCandidates}." },
                { $$"""{"user": {{User}}, "candidates": ["m1", "m2", "m1", "m2"], "k": 5}""", "candidates", "Duplicate candidate ids: m1, m2." },
                { $$"""{"user": {{User}}, "candidates": ["m1", ""], "k": 5}""", "candidates", "Candidate ids must be non-empty strings." },
                { $$"""{"user": {{User}}, "candidates": ["m1", null], "k": 5}""", "candidates", "Candidate ids must be non-empty strings." },
                { $$"""{"user": {{User}}, "candidates": ["m1"], "k": 0}""", "k", $"k must be in 1..{ClusterProcesses.MaxK}, got 0." },
                { $$"""{"user": {{User}}, "candidates": ["m1"], "k": -3}""", "k", $"k must be in 1..{ClusterProcesses.MaxK}, got -3." },
                { $$"""{"user": {{User}}, "candidates": ["m1"], "k": 51}""", "k", $"k must be in 1..{ClusterProcesses.MaxK}, got 51." },
                { $$"""{"user": {{User}}, "behaviours": [{{longHistory}}], "candidates": ["m1"], "k": 1}""", "behaviours", $"21 behaviours exceed the limit of {ClusterProcesses.MaxBehaviours}." },
                { $$"""{"user": {{User}}, "behaviours": ["m1", ""], "candidates": ["m1"], "k": 1}""", "behaviours", "Behaviour ids must be non-empty strings." },
                { """{"candidates": ["m1"], "k": 1}""", "user", "User features are required (or user_id, a stored user)." },
                { """{"user": {}, "candidates": ["m1"], "k": 1}""", "user", "User features are required (or user_id, a stored user)." },
                { """{"user": {"user_id": "u1", "gender": "F", "age": 1e400}, "candidates": ["m1"], "k": 1}""", "user.age", "must be a finite number." },
                { """{"user": {"user_id": "u1", "gender": true}, "candidates": ["m1"], "k": 1}""", "user.gender", "must be a string or a finite number, got true." },
                { """{"user": {"user_id": null, "gender": "F"}, "candidates": ["m1"], "k": 1}""", "user.user_id", "must be a string or a finite number, got null." },
                { """{"user": {"user_id": ["u1"], "gender": "F"}, "candidates": ["m1"], "k": 1}""", "user.user_id", "must be a string or a finite number, got array." },
                { """{"user": {"user_id": {"id": 1}, "gender": "F"}, "candidates": ["m1"], "k": 1}""", "user.user_id", "must be a string or a finite number, got object." },
                { $$"""{"user": {{User}}, "candidates": ["m1"], "k": 1, "model_version": ""}""", "model_version", "must be omitted or non-empty." },
            };
        }
    }

    [Theory]
    [MemberData(nameof(FieldErrors))]
    public async Task Rank_InvalidField_400NamingFieldAndRule(string body, string field, string message)
    {
        using var response = await fixture.Cluster.Http.RankRawAsync(body, TestContext.Current.CancellationToken);
        var problem = await response.ReadAsync<ProblemReply>(HttpStatusCode.BadRequest, TestContext.Current.CancellationToken);

        Assert.NotNull(problem.Errors);
        Assert.True(problem.Errors.TryGetValue(field, out var messages), $"No error for field '{field}'; errors: {Describe(problem)}");
        Assert.Contains(message, messages);
    }

    [Fact]
    public async Task Rank_SeveralProblems_AllReportedAtOnce()
    {
        const string Body = """{"user": {"user_id": "u1", "gender": false}, "candidates": ["m1", "m1"], "k": 0}""";

        using var response = await fixture.Cluster.Http.RankRawAsync(Body, TestContext.Current.CancellationToken);
        var problem = await response.ReadAsync<ProblemReply>(HttpStatusCode.BadRequest, TestContext.Current.CancellationToken);

        Assert.NotNull(problem.Errors);
        Assert.Equal(["candidates", "k", "user.gender"], problem.Errors.Keys.Order(StringComparer.Ordinal));
        Assert.Equal("The rank request is invalid.", problem.Title);
    }

    public static TheoryData<string> MalformedBodies => new()
    {
        """{"user": {"user_id": "u1", "gender": "F", "age": NaN}, "candidates": ["m1"], "k": 1}""",
        """{"user": {"user_id": "u1", "gender": "F"}, "candidates": ["m1"], "k": 1""",
        """{"user": {"user_id": "u1", "gender": "F"}, "candidates": "m1", "k": 1}""",
        """{"user": {"user_id": "u1", "gender": "F"}, "candidates": ["m1"], "k": "ten"}""",
        """not json at all""",
    };

    [Theory]
    [MemberData(nameof(MalformedBodies))]
    public async Task Rank_MalformedJson_400SaysNotValidJson(string body)
    {
        using var response = await fixture.Cluster.Http.RankRawAsync(body, TestContext.Current.CancellationToken);
        var problem = await response.ReadAsync<ProblemReply>(HttpStatusCode.BadRequest, TestContext.Current.CancellationToken);

        Assert.Equal("The request body is not valid JSON for this endpoint.", problem.Title);
        Assert.False(string.IsNullOrEmpty(problem.Detail), "The problem should say what is wrong with the JSON.");
    }

    [Fact]
    public async Task Rank_NotJsonContentType_415()
    {
        using var response = await fixture.Cluster.Http.RankRawAsync("user=u1", TestContext.Current.CancellationToken, "text/plain");

        Assert.Equal(HttpStatusCode.UnsupportedMediaType, response.StatusCode);
    }

    public static TheoryData<string, string> ClusterRefusals => new()
    {
        { """{"user": {"user_id": "u1"}, "candidates": ["m1"], "k": 1}""", "Missing user feature 'gender'." },
        { """{"user": {"user_id": "u1", "gender": "F", "shoe_size": 9}, "candidates": ["m1"], "k": 1}""", "Unknown user feature 'shoe_size'" },
    };

    [Theory]
    [MemberData(nameof(ClusterRefusals))]
    public async Task Rank_FeaturesTheModelCannotUse_400InvalidRequest(string body, string message)
    {
        using var response = await fixture.Cluster.Http.RankRawAsync(body, TestContext.Current.CancellationToken);
        var problem = await response.ReadAsync<ProblemReply>(HttpStatusCode.BadRequest, TestContext.Current.CancellationToken);

        Assert.Equal("invalid_request", problem.Code);
        Assert.Contains(message, problem.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Rank_UnknownModelVersion_400UnknownModelVersion()
    {
        const string Body = """{"user": {"user_id": "u1", "gender": "F"}, "candidates": ["m1"], "k": 1, "model_version": "no-such-version"}""";

        using var response = await fixture.Cluster.Http.RankRawAsync(Body, TestContext.Current.CancellationToken);
        var problem = await response.ReadAsync<ProblemReply>(HttpStatusCode.BadRequest, TestContext.Current.CancellationToken);

        Assert.Equal("unknown_model_version", problem.Code);
        Assert.Contains("no-such-version", problem.Detail, StringComparison.Ordinal);
    }

    private static string Describe(ProblemReply problem) =>
        problem.Errors is null ? "(none)" : string.Join("; ", problem.Errors.Select(e => $"{e.Key}: {string.Join(" | ", e.Value)}"));
}
