namespace FitCluster.Training.Reporting;

/// <summary>The paper's Table 1 (mean of 10 repeats), by dataset and by our model names.</summary>
public static class PaperTable1
{
    private static readonly string[] s_models = ["two-tower", "dat", "cold", "inttower", "ranktower", "fit"];

    // Rows in s_models order: AUC, Logloss, RelaImpr (%) as printed.
    private static readonly Dictionary<string, double[,]> s_tables = new(StringComparer.Ordinal)
    {
        ["ML-1M"] = new double[,]
        {
            { 0.8695, 0.4508, 0.00 }, { 0.8784, 0.4363, 2.41 }, { 0.9009, 0.4316, 8.51 },
            { 0.9036, 0.4142, 9.24 }, { 0.9095, 0.3986, 10.82 }, { 0.9225, 0.3766, 14.34 },
        },
        ["Amazon Electro"] = new double[,]
        {
            { 0.8441, 0.4870, 0.00 }, { 0.8465, 0.4858, 0.70 }, { 0.8504, 0.4833, 1.82 },
            { 0.8490, 0.4807, 1.42 }, { 0.8520, 0.4797, 2.31 }, { 0.8598, 0.4707, 4.58 },
        },
        ["Amazon Books"] = new double[,]
        {
            { 0.8742, 0.4484, 0.00 }, { 0.8802, 0.4413, 1.61 }, { 0.8996, 0.4072, 6.80 },
            { 0.8972, 0.4444, 6.15 }, { 0.9031, 0.4149, 7.75 }, { 0.9171, 0.3731, 11.47 },
        },
        ["Taobao"] = new double[,]
        {
            { 0.6577, 0.2257, 0.00 }, { 0.6605, 0.2241, 1.74 }, { 0.6645, 0.2236, 4.28 },
            { 0.6638, 0.2245, 3.81 }, { 0.6630, 0.2250, 3.34 }, { 0.6736, 0.2226, 10.03 },
        },
    };

    /// <summary>The paper's column name for a dataset name of ours (<c>ml-1m</c>, <c>amazon-books</c>, ...), or null.</summary>
    public static string? PaperDataset(string dataset)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        var d = dataset.ToLowerInvariant();
        return d switch
        {
            "ml-1m" or "movielens-1m" => "ML-1M",
            _ when d.Contains("electro", StringComparison.Ordinal) => "Amazon Electro",
            _ when d.Contains("book", StringComparison.Ordinal) => "Amazon Books",
            _ when d.Contains("taobao", StringComparison.Ordinal) => "Taobao",
            _ => null,
        };
    }

    /// <summary>The paper's score of <paramref name="model"/> on <paramref name="dataset"/>, or null when it has none.</summary>
    public static PaperScore? Score(string dataset, string model)
    {
        var index = Array.IndexOf(s_models, model);
        if (PaperDataset(dataset) is not { } column || index < 0)
        {
            return null;
        }

        var table = s_tables[column];
        return new PaperScore(table[index, 0], table[index, 1], table[index, 2]);
    }
}
