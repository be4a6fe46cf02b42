using System.CommandLine;
using System.Runtime.InteropServices;
using FitCluster.Training.Data;
using FitCluster.Training.Runs;

namespace FitCluster.Training.Cli;

/// <summary>
/// The machinery every <c>fit bench</c> experiment shares: an experiment folder with one <c>runs/&lt;name&gt;</c> folder per
/// trained model, the dataset loaded once and only when something must be trained, resumption (a run whose
/// <c>metrics.json</c> and required files exist is read, not trained), one retry after a libtorch failure, a progress
/// line per run, and sharing: a run another live <c>bench</c> process holds (<see cref="RunClaim"/>) is skipped, so the
/// same command started twice trains the runs between them.
/// </summary>
public sealed class BenchRunner
{
    private readonly TrainingArguments _args;
    private readonly ParseResult _parse;
    private SampleSplits? _splits;
    private int _index;

    /// <summary>Creates a runner for <paramref name="experiment"/> (the default folder's suffix).</summary>
    public BenchRunner(BenchArguments args, ParseResult parse, string experiment)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(parse);
        _args = args.Training;
        _parse = parse;
        Dataset = parse.GetRequiredValue(_args.Dataset);
        Directory = parse.GetValue(args.Output) ?? DefaultDirectory(DatasetSource.DisplayName(Dataset), experiment);
        SummariseOnly = parse.GetValue(args.SummariseOnly);
    }

    /// <summary>Dataset name.</summary>
    public string Dataset { get; }

    /// <summary>The experiment folder.</summary>
    public string Directory { get; }

    /// <summary>Whether <c>--summarise-only</c> was given: <see cref="Ensure"/> then trains nothing.</summary>
    public bool SummariseOnly { get; }

    /// <summary>Runs planned, for the progress line (<c>run 3/12</c>).</summary>
    public int Total { get; set; }

    /// <summary>Runs trained by this runner (0 when everything resumed).</summary>
    public int Trained { get; private set; }

    /// <summary>The dataset's splits, loaded on first use.</summary>
    public SampleSplits Splits => _splits ??= DatasetSource.Load(Dataset, _parse.GetValue(_args.Data), _args.Samples(_parse), Console.Error.WriteLine);

    /// <summary>The training options of the command line.</summary>
    public TrainingArguments Arguments => _args;

    /// <summary>The parse result.</summary>
    public ParseResult Parse => _parse;

    /// <summary><c>bench/results/&lt;hardware&gt;/&lt;dataset&gt;-&lt;experiment&gt;</c>.</summary>
    public static string DefaultDirectory(string dataset, string experiment) =>
        Path.Combine("bench", "results", BenchCommand.HardwareName(), $"{dataset}-{experiment}");

    /// <summary>The usual run name of a model and seed: <c>fit-s2</c>.</summary>
    public static string RunName(string model, int seed) => $"{model}-s{seed}";

    /// <summary>The folder of run <paramref name="name"/>.</summary>
    public string RunDirectory(string name) => Path.Combine(Directory, "runs", name);

    /// <summary>Reads run <paramref name="name"/> if it finished with all <paramref name="requiredFiles"/>, else null.</summary>
    public TrainRun? TryRead(string name, IReadOnlyList<string>? requiredFiles = null)
    {
        var directory = RunDirectory(name);
        foreach (var file in requiredFiles ?? [])
        {
            if (!File.Exists(Path.Combine(directory, file)))
            {
                return null;
            }
        }

        return RunWriter.TryRead(directory);
    }

    /// <summary>
    /// Returns run <paramref name="name"/>: read when it finished (with <paramref name="extras"/>' required files), else
    /// trained and written; null with <c>--summarise-only</c> for an unfinished run, and for a run another live process
    /// is training.
    /// </summary>
    public TrainRun? Ensure(string name, string model, int seed, Func<Models.ModelOptions, Models.ModelOptions>? adjust = null, BenchRunExtras? extras = null)
    {
        _index++;
        var progress = Total > 0 ? $"run {_index}/{Total}" : $"run {_index}";
        if (TryRead(name, extras?.RequiredFiles) is { } done)
        {
            Console.Error.WriteLine($"[bench] {progress} {name}: already done (test AUC {done.TestAuc:F4}), skipping");
            return done;
        }

        if (SummariseOnly)
        {
            return null;
        }

        // Another bench process on the same folder may be training it (the same command started twice shares the runs).
        using var claim = RunClaim.TryTake(RunDirectory(name), out var heldBy);
        if (claim is null)
        {
            Console.Error.WriteLine($"[bench] {progress} {name}: being trained by {heldBy}, skipping");
            return null;
        }

        if (TryRead(name, extras?.RequiredFiles) is { } finished)
        {
            return finished; // finished by the process that held it until a moment ago
        }

        Console.Error.WriteLine($"[bench] {progress} {name}: training");
        var modelOptions = _args.Model(_parse, model);
        modelOptions = adjust?.Invoke(modelOptions) ?? modelOptions;
        var trainOptions = _args.Train(_parse, seed);
        var directory = RunDirectory(name);
        var data = _parse.GetValue(_args.Data);
        var samples = _args.Samples(_parse);
        var reference = new DatasetReference(DatasetSource.Reference(Dataset), data is null ? null : Path.GetFullPath(data), samples.Seed, samples.MaxUsers);
        TrainRun Attempt()
        {
            var observer = extras?.CreateObserver?.Invoke(Splits);
            Action<Models.RankingModel, TrainRun>? after = extras?.AfterTraining is { } a ? (m, r) => a(m, r, directory, observer) : null;
            return TrainCommand.TrainAndWrite(Splits, modelOptions, trainOptions, directory, name, reference, after, observer);
        }

        TrainRun run;
        try
        {
            run = Attempt();
        }
        catch (ExternalException error)
        {
            // A libtorch error aborts only this run; training it again from scratch is deterministic.
            Console.Error.WriteLine($"[bench] {name}: libtorch failed ({error.Message.Split('\n')[0]}); retrying once");
            run = Attempt();
        }

        Trained++;
        return run;
    }

    /// <summary>The finished runs of each model over <paramref name="seeds"/> (runs named by <see cref="RunName"/>), in model order.</summary>
    public static IReadOnlyList<ModelRuns> Collect(string directory, IReadOnlyList<string> models, IReadOnlyList<int> seeds)
    {
        var result = new List<ModelRuns>();
        foreach (var model in models)
        {
            var runs = new List<(TrainRun Run, string Directory)>();
            foreach (var seed in seeds)
            {
                var runDirectory = Path.Combine(directory, "runs", RunName(model, seed));
                if (RunWriter.TryRead(runDirectory) is { } run)
                {
                    runs.Add((run, runDirectory));
                }
            }

            result.Add(new ModelRuns(model, runs));
        }

        return result;
    }
}
