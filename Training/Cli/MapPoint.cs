namespace FitCluster.Training.Cli;

/// <summary>One point of the t-SNE map (FIT, Fig. 6).</summary>
/// <param name="IsMeta">Whether this is a meta vector q*_i rather than an item embedding e_c.</param>
/// <param name="Id">Item index, or the meta vector's row.</param>
/// <param name="QueryIndex">The item's query index s (eq. 8), or the meta vector's own row.</param>
/// <param name="X">Map x.</param>
/// <param name="Y">Map y.</param>
public readonly record struct MapPoint(bool IsMeta, int Id, int QueryIndex, double X, double Y);
