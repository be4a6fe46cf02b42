using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;

namespace FitCluster.Benchmarks.Numerics;

/// <summary>GFLOP/s of a benchmark with a <see cref="GemmShape"/> parameter: the shape's flops over the mean time.</summary>
public sealed class GflopsColumn : IColumn
{
    public string Id => nameof(GflopsColumn);

    public string ColumnName => "GFLOP/s";

    public bool AlwaysShow => true;

    public ColumnCategory Category => ColumnCategory.Custom;

    public int PriorityInCategory => 0;

    public bool IsNumeric => true;

    public UnitType UnitType => UnitType.Dimensionless;

    public string Legend => "Billions of floating-point operations per second: 2 x rows x inner x columns / mean time";

    public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;

    public bool IsAvailable(Summary summary) => true;

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase) =>
        GetValue(summary, benchmarkCase, SummaryStyle.Default);

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style)
    {
        var shape = benchmarkCase.Parameters.Items
            .Select(parameter => parameter.Value)
            .OfType<GemmShape>()
            .FirstOrDefault();
        var statistics = summary[benchmarkCase]?.ResultStatistics;
        if (shape == default || statistics is null || statistics.Mean <= 0)
        {
            return "-";
        }

        // Mean is in nanoseconds, so flops per nanosecond is GFLOP/s.
        return (shape.Flops / statistics.Mean).ToString("F1", System.Globalization.CultureInfo.InvariantCulture);
    }
}
