using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using FitCluster.Training.Data;
using FitCluster.Training.Models;
using FitCluster.Training.Reporting;
using FitCluster.Training.Runs;

namespace FitCluster.Training.Cli;

/// <summary>
/// Writes a finished run to its folder: <c>metrics.json</c>, <c>history.csv</c>, <c>steps.csv</c>,
/// <c>test_predictions.csv</c>, the best weights (<c>checkpoint.bin</c>, with <c>model.json</c> naming the architecture)
/// and <c>training.png</c> (validation AUC per epoch, QS and τ per step).
/// </summary>
public static class RunWriter
{
    /// <summary>File name of the run metrics.</summary>
    public const string MetricsFileName = "metrics.json";

    /// <summary>File name of the per-sample test predictions.</summary>
    public const string PredictionsFileName = "test_predictions.csv";

    /// <summary>JSON settings for every file the trainer writes: snake_case names, enums as strings, indented.</summary>
    public static JsonSerializerOptions Json { get; } = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        WriteIndented = true,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.KebabCaseLower) },
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    /// <summary>Writes everything for <paramref name="run"/> into <paramref name="directory"/> (created if needed).</summary>
    public static void Write(
        string directory, TrainRun run, RankingModel model, SampleSplits splits, float[] testLogits, IReadOnlyList<StepRecord> steps,
        DatasetReference? dataset = null)
    {
        Directory.CreateDirectory(directory);
        if (dataset is not null)
        {
            File.WriteAllText(Path.Combine(directory, DatasetReference.FileName), JsonSerializer.Serialize(dataset, Json));
        }

        model.save(Path.Combine(directory, "checkpoint.bin"));
        File.WriteAllText(Path.Combine(directory, "model.json"), JsonSerializer.Serialize(run.ModelOptions, Json));
        WriteHistory(Path.Combine(directory, "history.csv"), run.History);
        WriteSteps(Path.Combine(directory, "steps.csv"), steps);
        WritePredictions(Path.Combine(directory, PredictionsFileName), splits.Test, testLogits);
        WritePlot(Path.Combine(directory, "training.png"), run, steps);

        // metrics.json last: its presence marks a complete run (bench resumes by it).
        var temporary = Path.Combine(directory, MetricsFileName + ".tmp");
        File.WriteAllText(temporary, JsonSerializer.Serialize(run, Json));
        File.Move(temporary, Path.Combine(directory, MetricsFileName), overwrite: true);
    }

    /// <summary>Reads a run's <c>metrics.json</c>, or null when the run did not finish.</summary>
    public static TrainRun? TryRead(string directory)
    {
        var path = Path.Combine(directory, MetricsFileName);
        return File.Exists(path) ? JsonSerializer.Deserialize<TrainRun>(File.ReadAllText(path), Json) : null;
    }

    /// <summary>Reads <c>test_predictions.csv</c>: user index, label and logit per test sample.</summary>
    public static (int[] Users, float[] Labels, float[] Logits) ReadPredictions(string directory)
    {
        var lines = File.ReadAllLines(Path.Combine(directory, PredictionsFileName));
        var n = lines.Length - 1;
        var users = new int[n];
        var labels = new float[n];
        var logits = new float[n];
        for (var i = 0; i < n; i++)
        {
            var parts = lines[i + 1].Split(',');
            users[i] = int.Parse(parts[0], CultureInfo.InvariantCulture);
            labels[i] = float.Parse(parts[1], CultureInfo.InvariantCulture);
            logits[i] = float.Parse(parts[2], CultureInfo.InvariantCulture);
        }

        return (users, labels, logits);
    }

    private static void WriteHistory(string path, IReadOnlyList<EpochRecord> history)
    {
        var rows = new List<IReadOnlyList<string>>();
        foreach (var e in history)
        {
            rows.Add([F(e.Epoch), F(e.TrainLoss), F(e.ValidationAuc), F(e.ValidationLogLoss), F(e.TrainSeconds), F(e.SamplesPerSecond), F(e.Temperature), F(e.QuerySimilarity)]);
        }

        File.WriteAllText(path, MarkdownTable.ToCsv(
            ["epoch", "train_loss", "val_auc", "val_logloss", "train_seconds", "samples_per_second", "temperature", "query_similarity"], rows));
    }

    private static void WriteSteps(string path, IReadOnlyList<StepRecord> steps)
    {
        var text = new StringBuilder("step,loss,temperature,query_similarity\n");
        foreach (var s in steps)
        {
            text.Append(CultureInfo.InvariantCulture, $"{s.Step},{F(s.Loss)},{F(s.Temperature)},{F(s.QuerySimilarity)}\n");
        }

        File.WriteAllText(path, text.ToString());
    }

    private static void WritePredictions(string path, SampleSet test, float[] logits)
    {
        var text = new StringBuilder("user,label,logit\n");
        for (var i = 0; i < test.Count; i++)
        {
            text.Append(CultureInfo.InvariantCulture, $"{test.User[i]},{test.Label[i]},{logits[i].ToString("R", CultureInfo.InvariantCulture)}\n");
        }

        File.WriteAllText(path, text.ToString());
    }

    private static void WritePlot(string path, TrainRun run, IReadOnlyList<StepRecord> steps)
    {
        var stepsPerEpoch = (run.TrainSamples + run.TrainOptions.BatchSize - 1) / run.TrainOptions.BatchSize;
        var series = new List<PlotSeries>
        {
            new("val AUC (per epoch)", [.. run.History.Select(e => (double)e.Epoch * stepsPerEpoch)], [.. run.History.Select(e => e.ValidationAuc)]),
        };
        if (steps.Count > 0 && steps[0].QuerySimilarity is not null)
        {
            series.Add(new("QS (eq. 24)", [.. steps.Select(s => (double)s.Step)], [.. steps.Select(s => s.QuerySimilarity ?? double.NaN)]));
            series.Add(new("τ (eq. 23)", [.. steps.Select(s => (double)s.Step)], [.. steps.Select(s => s.Temperature)]));
        }

        Plots.Lines(path, $"{run.Model} on {run.Dataset}, seed {run.Seed}", "training step", "value", series);
    }

    private static string F(double value) => value.ToString("G6", CultureInfo.InvariantCulture);

    private static string F(double? value) => value is { } v ? F(v) : string.Empty;
}
