using System.Diagnostics;
using System.Globalization;
using FitCluster.Training.Runs;
using Spectre.Console;

namespace FitCluster.Training.Cli;

/// <summary>
/// Shows training progress: a live Spectre.Console progress bar on an interactive terminal, otherwise a plain line
/// every 10% of an epoch (CI logs). Also collects sampled steps for the curves.
/// </summary>
public sealed class ConsoleTrainingObserver : ITrainingObserver
{
    private const int StepSampleEvery = 10;
    private readonly string _label;
    private readonly List<StepRecord> _steps = [];
    private readonly Stopwatch _epochWatch = new();
    private ProgressTask? _task;
    private int _stepsInEpoch;
    private int _epoch;
    private double _lossEma = double.NaN;

    /// <summary>Creates an observer whose lines start with <paramref name="label"/>.</summary>
    public ConsoleTrainingObserver(string label)
    {
        _label = label;
    }

    /// <summary>Sampled steps (every 10th), for curves.</summary>
    public IReadOnlyList<StepRecord> Steps => _steps;

    /// <summary>Spectre progress context when running interactively; set by <see cref="Run{T}"/>.</summary>
    private ProgressContext? Context { get; set; }

    /// <summary>Runs <paramref name="body"/> with this observer attached to a live progress display when interactive.</summary>
    public T Run<T>(Func<ConsoleTrainingObserver, T> body)
    {
        if (!AnsiConsole.Profile.Capabilities.Interactive)
        {
            return body(this);
        }

        return AnsiConsole.Progress()
            .AutoClear(false)
            .HideCompleted(false)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn(), new SpinnerColumn())
            .Start(context =>
            {
                Context = context;
                try
                {
                    return body(this);
                }
                finally
                {
                    Context = null;
                }
            });
    }

    /// <inheritdoc />
    /// <remarks>The resumed steps join the sampled step records (steps.csv) as if they had been seen here.</remarks>
    public void Resumed(IReadOnlyList<EpochRecord> epochs, IReadOnlyList<StepRecord> steps)
    {
        _steps.AddRange(steps.Where(s => s.Step % StepSampleEvery == 0));
    }

    /// <inheritdoc />
    public void EpochStarted(int epoch, int steps)
    {
        _epoch = epoch;
        _stepsInEpoch = steps;
        _epochWatch.Restart();
        _task = Context?.AddTask(Markup.Escape($"{_label} epoch {epoch}"), maxValue: steps);
    }

    /// <inheritdoc />
    public void StepCompleted(int epoch, int stepInEpoch, StepRecord record)
    {
        _lossEma = double.IsNaN(_lossEma) ? record.Loss : (0.98 * _lossEma) + (0.02 * record.Loss);
        if (record.Step % StepSampleEvery == 0)
        {
            _steps.Add(record);
        }

        var done = stepInEpoch + 1;
        if (_task is not null)
        {
            _task.Increment(1);
            _task.Description = Markup.Escape($"{_label} epoch {epoch} loss {_lossEma:F4}{Extras(record)}");
            return;
        }

        var tenth = Math.Max(1, _stepsInEpoch / 10);
        if (done % tenth == 0 || done == _stepsInEpoch)
        {
            var rate = done / Math.Max(1e-9, _epochWatch.Elapsed.TotalSeconds);
            var eta = TimeSpan.FromSeconds((_stepsInEpoch - done) / Math.Max(rate, 1e-9));
            Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"[{_label}] epoch {_epoch} {100 * done / _stepsInEpoch,3}% step {done}/{_stepsInEpoch} loss {_lossEma:F4}{Extras(record)} eta {eta:mm\\:ss}"));
        }
    }

    /// <inheritdoc />
    public void EpochCompleted(EpochRecord record, bool improved)
    {
        if (_task is not null)
        {
            _task.Value = _task.MaxValue;
            _task.StopTask();
        }

        var qs = record.QuerySimilarity is { } q ? string.Create(CultureInfo.InvariantCulture, $" QS {q:F3}") : string.Empty;
        Status(string.Create(CultureInfo.InvariantCulture,
            $"epoch {record.Epoch}: train loss {record.TrainLoss:F4}, val AUC {record.ValidationAuc:F4}, val logloss {record.ValidationLogLoss:F4}{qs}, {record.SamplesPerSecond:N0} samples/s, {record.TrainSeconds:F1} s{(improved ? " (best)" : string.Empty)}"));
    }

    /// <inheritdoc />
    public void Status(string message)
    {
        if (Context is not null)
        {
            AnsiConsole.MarkupLine($"[grey]{Markup.Escape($"[{_label}]")}[/] {Markup.Escape(message)}");
        }
        else
        {
            Console.Error.WriteLine($"[{_label}] {message}");
        }
    }

    private static string Extras(StepRecord record) => record.QuerySimilarity is { } qs
        ? string.Create(CultureInfo.InvariantCulture, $" τ {record.Temperature:F3} QS {qs:F3}")
        : string.Empty;
}
