using System.Collections.Immutable;
using FitCluster.Grains.Interfaces;

namespace FitCluster.Grains.Tests;

/// <summary>The event log's rules on hand-made states and batches (no Orleans).</summary>
public sealed class UserEventLogTests
{
    [Fact]
    public void Judge_InOrderBatch_AcceptsAllEqualTimestampsKeepArrivalOrder()
    {
        var state = State(("s1", "m1", 100));
        UserEvent?[] batch = [E("a", "m2", 100), E("b", "m3", 150), E("c", "m4", 150)];

        var verdict = UserEventLog.Judge(state, [.. batch], window: 10);

        Assert.Equal(["a", "b", "c"], verdict.Accepted.Select(e => e.EventId));
        Assert.Equal(0, verdict.AlreadyApplied);
        Assert.Empty(verdict.Errors);
        Assert.Single(state.Events); // judging changes nothing
    }

    [Fact]
    public void Judge_OlderThanStoredLatest_RefusedOthersAccepted()
    {
        var state = State(("s1", "m1", 100), ("s2", "m1", 200));

        var verdict = UserEventLog.Judge(state, [E("a", "m2", 199), E("b", "m3", 200), E("c", "m4", 50)], window: 10);

        Assert.Equal(["b"], verdict.Accepted.Select(e => e.EventId));
        Assert.Equal(["events[0]:event_out_of_order", "events[2]:event_out_of_order"], Describe(verdict.Errors));
        Assert.Contains("timestamp 199", verdict.Errors[0].Message, StringComparison.Ordinal);
        Assert.Contains("timestamp 200", verdict.Errors[0].Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Judge_OutOfOrderInsideBatch_RefusedAgainstTheLatestAcceptedNotTheRefused()
    {
        // 300 is accepted, 250 is older than it: refused; 260 is still older than 300: refused; 300 again is fine.
        var verdict = UserEventLog.Judge(new UserState(), [E("a", "m1", 300), E("b", "m2", 250), E("c", "m3", 260), E("d", "m4", 300)], window: 10);

        Assert.Equal(["a", "d"], verdict.Accepted.Select(e => e.EventId));
        Assert.Equal(["events[1]:event_out_of_order", "events[2]:event_out_of_order"], Describe(verdict.Errors));
    }

    [Fact]
    public void Judge_StoredIds_AreRetriesAcknowledgedNotApplied()
    {
        var state = State(("s1", "m1", 100), ("s2", "m2", 200));

        // s1 is older than the latest but is a retry, not out of order; s2 likewise; "new" goes in.
        var verdict = UserEventLog.Judge(state, [E("s1", "m1", 100), E("s2", "m2", 200), E("new", "m3", 201)], window: 10);

        Assert.Equal(["new"], verdict.Accepted.Select(e => e.EventId));
        Assert.Equal(2, verdict.AlreadyApplied);
        Assert.Empty(verdict.Errors);
    }

    [Fact]
    public void Judge_IdTwiceInBatch_BothRefusedTheRestAccepted()
    {
        var verdict = UserEventLog.Judge(new UserState(), [E("x", "m1", 1), E("a", "m2", 2), E("x", "m3", 3), E("b", "m4", 4)], window: 10);

        Assert.Equal(["a", "b"], verdict.Accepted.Select(e => e.EventId));
        Assert.Equal(["events[0]:duplicate_event_id", "events[2]:duplicate_event_id"], Describe(verdict.Errors));
        Assert.Contains("appears 2 times", verdict.Errors[0].Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Judge_MalformedEvents_RefusedEach()
    {
        var longId = new string('e', IUserGrain.MaxIdLength + 1);
        UserEvent?[] batch = [null, E("", "m1", 1), E(longId, "m1", 1), E("a", "", 1), E("b", new string('m', IUserGrain.MaxIdLength + 1), 1), E("c", "m1", -1), E("ok", "m1", 2)];

        var verdict = UserEventLog.Judge(new UserState(), [.. batch], window: 10);

        Assert.Equal(["ok"], verdict.Accepted.Select(e => e.EventId));
        Assert.Equal(Enumerable.Range(0, 6).Select(i => $"events[{i}]:invalid_event"), Describe(verdict.Errors));
        Assert.Contains("timestamp must be ≥ 0", verdict.Errors[5].Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Judge_EmptyOrOversizeBatch_RefusedWhole()
    {
        var oversize = UserEventLog.Judge(new UserState(), [E("a", "m1", 1), E("b", "m1", 2), E("c", "m1", 3)], window: 2);
        var empty = UserEventLog.Judge(new UserState(), [], window: 2);

        Assert.Empty(oversize.Accepted);
        Assert.Equal(["events:batch_too_large"], Describe(oversize.Errors));
        Assert.Empty(empty.Accepted);
        Assert.Equal(["events:empty_batch"], Describe(empty.Errors));
    }

    [Fact]
    public void Append_PastTheWindow_KeepsLatestAndRemembersDroppedIds()
    {
        var state = State(("a", "m1", 1), ("b", "m2", 2), ("c", "m3", 3));

        UserEventLog.Append(state, [E("d", "m4", 4)!, E("e", "m5", 5)!], window: 3);

        Assert.Equal(["c", "d", "e"], state.Events.Select(e => e.EventId));
        Assert.Equal(["a", "b"], state.ForgottenIds);

        UserEventLog.Append(state, [E("f", "m6", 6)!, E("g", "m7", 7)!], window: 3);

        Assert.Equal(["e", "f", "g"], state.Events.Select(e => e.EventId));
        Assert.Equal(["b", "c", "d"], state.ForgottenIds); // at most the window: "a" is forgotten for good
    }

    [Fact]
    public void Judge_AfterTheWindow_RememberedIdIsARetryForgottenOneIsOutOfOrder()
    {
        var state = State(("e", "m5", 5), ("f", "m6", 6), ("g", "m7", 7));
        state.ForgottenIds.AddRange(["b", "c", "d"]);

        var verdict = UserEventLog.Judge(state, [E("d", "m4", 4), E("a", "m1", 1)], window: 3);

        Assert.Empty(verdict.Accepted);
        Assert.Equal(1, verdict.AlreadyApplied); // "d" is remembered
        Assert.Equal(["events[1]:event_out_of_order"], Describe(verdict.Errors)); // "a" is not, but it is too old to re-enter
    }

    [Fact]
    public void Trim_ShrunkWindow_CutsBothLists()
    {
        var state = State(("a", "m1", 1), ("b", "m2", 2), ("c", "m3", 3), ("d", "m4", 4));
        state.ForgottenIds.AddRange(["x", "y", "z"]);

        UserEventLog.Trim(state, window: 2);

        Assert.Equal(["c", "d"], state.Events.Select(e => e.EventId));
        Assert.Equal(["a", "b"], state.ForgottenIds);
    }

    private static UserEvent? E(string id, string item, long timestamp) => new(id, item, timestamp);

    private static UserState State(params (string Id, string Item, long Timestamp)[] events) =>
        new() { Events = [.. events.Select(e => new UserEvent(e.Id, e.Item, e.Timestamp))] };

    private static IEnumerable<string> Describe(ImmutableArray<UserInputError> errors) => errors.Select(e => $"{e.Field}:{e.Code}");
}
