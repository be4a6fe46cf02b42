using System.CommandLine;
using System.Globalization;
using FitCluster.Training.Models;

namespace FitCluster.Training.Cli;

/// <summary>The options every <c>fit bench</c> experiment shares: training options, output folder, repeats, resume.</summary>
public sealed class BenchArguments
{
    /// <summary>Creates the options; <paramref name="defaultRepeats"/> is the default of <c>--repeats</c>.</summary>
    public BenchArguments(int defaultRepeats)
    {
        Repeats = new("--repeats") { Description = "Training seeds per model: 1..R", DefaultValueFactory = _ => defaultRepeats };
    }

    /// <summary>The training options (<c>--dataset</c>, <c>--epochs</c>, <c>--max-users</c>, ...).</summary>
    public TrainingArguments Training { get; } = new();

    /// <summary><c>--out</c>.</summary>
    public Option<string?> Output { get; } = new("--out") { Description = "Output folder (default bench/results/<hardware>/<dataset>-<experiment>)" };

    /// <summary><c>--repeats</c>.</summary>
    public Option<int> Repeats { get; }

    /// <summary><c>--summarise-only</c>.</summary>
    public Option<bool> SummariseOnly { get; } = new("--summarise-only") { Description = "Train nothing: summarise the runs that have finished" };

    /// <summary>Adds every option to <paramref name="command"/>; <c>--repeats</c> only when <paramref name="withRepeats"/>.</summary>
    public void AddTo(Command command, bool withRepeats = true)
    {
        Training.AddTo(command);
        command.Add(Output);
        command.Add(SummariseOnly);
        if (withRepeats)
        {
            command.Add(Repeats);
        }
    }

    /// <summary>Seeds 1..R from <c>--repeats</c>.</summary>
    /// <exception cref="ArgumentException">R is below 1.</exception>
    public int[] Seeds(ParseResult parse)
    {
        var repeats = parse.GetValue(Repeats);
        if (repeats < 1)
        {
            throw new ArgumentException($"--repeats must be at least 1, got {repeats}.");
        }

        return [.. Enumerable.Range(1, repeats)];
    }

    /// <summary>Splits a comma-separated list, trimming entries and dropping empty ones.</summary>
    public static string[] Split(string list) => list.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    /// <summary>Parses a comma-separated list of integers for <paramref name="optionName"/>, each at least <paramref name="minimum"/>.</summary>
    /// <exception cref="ArgumentException">The list is empty, an entry is not an integer, is too small, or repeats.</exception>
    public static int[] ParseIntegers(string optionName, string list, int minimum)
    {
        var parts = Split(list);
        if (parts.Length == 0)
        {
            throw new ArgumentException($"{optionName} needs a comma-separated list of integers, e.g. 1,2,4; got '{list}'.");
        }

        var values = new int[parts.Length];
        for (var i = 0; i < parts.Length; i++)
        {
            if (!int.TryParse(parts[i], NumberStyles.Integer, CultureInfo.InvariantCulture, out values[i]))
            {
                throw new ArgumentException($"{optionName}: '{parts[i]}' is not an integer (in '{list}').");
            }

            if (values[i] < minimum)
            {
                throw new ArgumentException($"{optionName}: {values[i]} is below the minimum of {minimum} (in '{list}').");
            }

            if (Array.IndexOf(values, values[i], 0, i) >= 0)
            {
                throw new ArgumentException($"{optionName}: {values[i]} appears twice (in '{list}').");
            }
        }

        return values;
    }

    /// <summary>Parses a comma-separated model list and checks every name before anything is trained.</summary>
    /// <param name="list">The <c>--models</c> value.</param>
    /// <param name="presetsOnly">Whether every name must be a <c>--model</c> preset (false with <c>--summarise-only</c>,
    /// which can also summarise runs trained by hand with other options into <c>runs/NAME-sSEED</c>).</param>
    /// <exception cref="ArgumentException">The list is empty or names a model this build does not have.</exception>
    public static string[] ParseModels(string list, bool presetsOnly = true)
    {
        var models = Split(list);
        if (models.Length == 0)
        {
            throw new ArgumentException($"--models needs at least one model; known: {string.Join(", ", ModelOptions.PresetNames)}.");
        }

        var unknown = presetsOnly ? models.Where(m => !ModelOptions.PresetNames.Contains(m)).ToArray() : [];
        if (unknown.Length > 0)
        {
            throw new ArgumentException(
                $"Unknown model{(unknown.Length > 1 ? "s" : string.Empty)} {string.Join(", ", unknown.Select(m => $"'{m}'"))}: nothing was trained. "
                + $"Known: {string.Join(", ", ModelOptions.PresetNames)}. Choose others with --models.");
        }

        if (models.Distinct(StringComparer.Ordinal).Count() != models.Length)
        {
            throw new ArgumentException($"--models lists a model twice: '{list}'.");
        }

        return models;
    }
}
