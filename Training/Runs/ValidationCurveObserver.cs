using FitCluster.Training.Data;
using FitCluster.Training.Evaluation;
using FitCluster.Training.Models;

namespace FitCluster.Training.Runs;

/// <summary>
/// Records validation AUC and QS every <c>every</c> steps (FIT, Fig. 5) on a fixed random subsample of validation,
/// evaluated in eval mode between steps. Evaluation draws no random numbers and changes no parameter, so a run with
/// curves trains exactly as one without.
/// </summary>
public sealed class ValidationCurveObserver : ITrainingObserver
{
    private readonly SampleSet _subsample;
    private readonly BatchBuilder _builder;
    private readonly int _every;
    private readonly List<CurvePoint> _points = [];
    private RankingModel? _model;
    private double _qsSum;
    private int _qsCount;

    /// <summary>Creates the observer.</summary>
    /// <param name="splits">The dataset; its validation set is subsampled.</param>
    /// <param name="every">Steps between two evaluations (≥ 1).</param>
    /// <param name="samples">Validation samples per evaluation (all when validation is smaller).</param>
    /// <param name="seed">Seed of the subsample.</param>
    /// <param name="evalBatchSize">Evaluation batch size.</param>
    public ValidationCurveObserver(SampleSplits splits, int every, int samples, int seed, int evalBatchSize = 8192)
    {
        ArgumentNullException.ThrowIfNull(splits);
        ArgumentOutOfRangeException.ThrowIfLessThan(every, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(samples, 1);
        _every = every;
        _subsample = Subsample(splits.Validation, samples, seed);
        _builder = new BatchBuilder(splits, evalBatchSize);
    }

    /// <summary>The points recorded so far, in step order.</summary>
    public IReadOnlyList<CurvePoint> Points => _points;

    /// <summary>Validation samples used per evaluation.</summary>
    public int SampleCount => _subsample.Count;

    /// <inheritdoc />
    public void ModelCreated(RankingModel model) => _model = model;

    /// <inheritdoc />
    public void EpochStarted(int epoch, int steps)
    {
    }

    /// <inheritdoc />
    public void StepCompleted(int epoch, int stepInEpoch, StepRecord record)
    {
        if (record.QuerySimilarity is { } qs)
        {
            _qsSum += qs;
            _qsCount++;
        }

        var done = record.Step + 1;
        if (_model is null || done % _every != 0)
        {
            return;
        }

        var logits = Trainer.Predict(_model, _subsample, _builder);
        _model.train();
        _points.Add(new CurvePoint(done, BinaryMetrics.Auc(logits, _subsample.Label), _qsCount > 0 ? _qsSum / _qsCount : null, record.Temperature));
        _qsSum = 0;
        _qsCount = 0;
    }

    /// <inheritdoc />
    public void EpochCompleted(EpochRecord record, bool improved)
    {
    }

    /// <inheritdoc />
    public void Status(string message)
    {
    }

    private static SampleSet Subsample(SampleSet set, int samples, int seed)
    {
        if (samples >= set.Count)
        {
            return set;
        }

        var order = new int[set.Count];
        for (var i = 0; i < order.Length; i++)
        {
            order[i] = i;
        }

        new Random(seed).Shuffle(order);
        var chosen = order.AsSpan(0, samples);
        chosen.Sort();
        var user = new int[samples];
        var position = new int[samples];
        var item = new int[samples];
        var label = new float[samples];
        for (var i = 0; i < samples; i++)
        {
            user[i] = set.User[chosen[i]];
            position[i] = set.Position[chosen[i]];
            item[i] = set.Item[chosen[i]];
            label[i] = set.Label[chosen[i]];
        }

        return new SampleSet(user, position, item, label);
    }
}
