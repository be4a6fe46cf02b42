namespace FitCluster.LoadTest;

/// <summary>One run as it appears in the report: what was asked, where, and what was measured.</summary>
/// <param name="DateUtc">When the run ended.</param>
/// <param name="Hardware">The generator's machine (<see cref="LoadTest.Hardware.Describe"/>).</param>
/// <param name="Label">Free text naming the set-up (<c>1 silo</c>); empty when not given.</param>
/// <param name="Mode"><c>rate 200/s</c> or <c>concurrency 8</c>.</param>
/// <param name="Candidates">Candidates per request.</param>
/// <param name="K">Top-k asked for.</param>
/// <param name="Result">The measurements.</param>
public sealed record LoadReport(DateTimeOffset DateUtc, string Hardware, string Label, string Mode, int Candidates, int K, LoadResult Result);
