namespace FitCluster.LoadTest;

/// <summary>A request built before the run, with its body already serialised so that sending it costs no JSON work.</summary>
/// <param name="Request">The request.</param>
/// <param name="Body">Its UTF-8 JSON body.</param>
public sealed record PreparedRequest(RankRequestJson Request, byte[] Body);
