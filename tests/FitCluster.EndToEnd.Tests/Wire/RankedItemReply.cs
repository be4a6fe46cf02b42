namespace FitCluster.EndToEnd.Tests.Wire;

/// <summary>One ranked item of a <see cref="RankReply"/>.</summary>
public sealed record RankedItemReply(string ItemId, float Score);
