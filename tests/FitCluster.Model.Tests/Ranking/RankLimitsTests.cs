using FitCluster.Model.Ranking;

namespace FitCluster.Model.Tests.Ranking;

/// <summary>
/// <see cref="RankLimits.Check"/>: every problem by field; duplicates listed in request order (at most ten); one check
/// never sees another's ids (the duplicate set is reused per thread).
/// </summary>
public sealed class RankLimitsTests
{
    [Fact]
    public void Duplicates_ListedInRequestOrder_AtMostTen()
    {
        string[] candidates = ["b", "a", "c", "a", "b", .. Enumerable.Range(0, 30).Select(i => $"x{i % 12}")];
        var problems = RankLimits.Default.Check(candidates, null, 5);

        // a and b, then the eight first repeats of x0..x11 (x0 repeats at 12, x1 at 13, ...): ten in all.
        var (field, message) = Assert.Single(problems);
        Assert.Equal("candidates", field);
        Assert.Equal("Duplicate candidate ids: a, b, x0, x1, x2, x3, x4, x5, x6, x7.", message);
    }

    [Fact]
    public void ConsecutiveChecks_DoNotShareIds()
    {
        Assert.Empty(RankLimits.Default.Check(["m1", "m2", "m3"], ["m9"], 1));
        Assert.Empty(RankLimits.Default.Check(["m3", "m2", "m1"], null, 1)); // the same ids again: no duplicates
        Assert.Equal("Duplicate candidate ids: m2.", Assert.Single(RankLimits.Default.Check(["m2", "m4", "m2"], null, 1)).Message);
        Assert.Empty(RankLimits.Default.Check(["m4", "m2"], null, 1));
    }

    [Fact]
    public void CheckStoppedAtAnEmptyId_LeavesNothingBehind()
    {
        var problems = RankLimits.Default.Check(["m1", "m2", "", "m3"], null, 1);
        Assert.Equal(("candidates", "Candidate ids must be non-empty strings."), Assert.Single(problems));
        Assert.Empty(RankLimits.Default.Check(["m2", "m1"], null, 1));
    }

    [Fact]
    public void EveryField_Reported()
    {
        var limits = new RankLimits(MaxCandidates: 2, MaxK: 3, MaxBehaviours: 1);
        var problems = limits.Check(["a", "b", "c"], ["h1", "h2"], 4);
        Assert.Equal(
            [
                ("candidates", "3 candidates exceed the limit of 2."),
                ("behaviours", "2 behaviours exceed the limit of 1."),
                ("k", "k must be in 1..3, got 4."),
            ],
            problems);
        Assert.Equal([("candidates", "At least one candidate is required."), ("behaviours", "Behaviour ids must be non-empty strings.")],
            limits.Check([], [null], 1));
    }
}
