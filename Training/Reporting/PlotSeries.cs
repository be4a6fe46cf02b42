namespace FitCluster.Training.Reporting;

/// <summary>One named line of a <see cref="Plots.Lines"/> chart.</summary>
/// <param name="Name">Legend text.</param>
/// <param name="X">X coordinates, e.g. epochs; same length as <paramref name="Y"/>.</param>
/// <param name="Y">Y coordinates, e.g. validation AUC per epoch.</param>
public sealed record PlotSeries(string Name, double[] X, double[] Y);
