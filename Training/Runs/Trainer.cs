using System.Diagnostics;
using FitCluster.Training.Data;
using FitCluster.Training.Evaluation;
using FitCluster.Training.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace FitCluster.Training.Runs;

/// <summary>
/// The one training loop every model goes through: Adam on the sigmoid cross-entropy (FIT, eq. 21), per-epoch
/// validation, early stopping on validation AUC, best-epoch weights evaluated on test.
/// </summary>
public static class Trainer
{
    private static readonly Lock s_seeding = new();

    /// <summary>Trains <paramref name="modelOptions"/> on the splits and evaluates the best epoch on test.</summary>
    /// <returns>The metrics, the trained model (best epoch's weights, eval mode) and the test logits.</returns>
    public static (TrainRun Run, RankingModel Model, float[] TestLogits) Train(
        SampleSplits splits,
        ModelOptions modelOptions,
        TrainOptions options,
        ITrainingObserver observer,
        CancellationToken cancellationToken = default)
    {
        if (!(options.TemperatureEpochs > 0) || double.IsInfinity(options.TemperatureEpochs))
        {
            throw new ArgumentException($"TemperatureEpochs must be a positive number of epochs, got {options.TemperatureEpochs}.", nameof(options));
        }

        var threads = options.Threads ?? Environment.ProcessorCount;
        using var gate = ThreadCountGate.Enter(threads);
        RankingModel model;
        lock (s_seeding)
        {
            // libtorch's generator is process-wide: seeding and drawing the initial weights happen as one step, so two
            // trainings in one process (tests, a host) cannot interleave their draws and make a seed's run differ.
            manual_seed(options.Seed);
            model = ModelFactory.Create(FeatureSchema.From(splits.Log), modelOptions);
        }

        observer.ModelCreated(model);
        using var optimizer = optim.Adam(model.parameters(), options.LearningRate, weight_decay: options.WeightDecay);
        var builder = new BatchBuilder(splits, options.BatchSize);
        var evalBuilder = new BatchBuilder(splits, options.EvalBatchSize);
        var train = splits.Train;
        var order = new int[train.Count];
        for (var i = 0; i < order.Length; i++)
        {
            order[i] = i;
        }

        var rng = new Random(options.Seed);
        var stepsPerEpoch = (train.Count + options.BatchSize - 1) / options.BatchSize;
        // FIT §5.1.4: threshold = steps in one epoch (TemperatureEpochs = 1); longer decays are an option to study
        var schedule = new TemperatureSchedule(Math.Max(1, (long)Math.Round(stepsPerEpoch * options.TemperatureEpochs)));
        var history = new List<EpochRecord>();
        Dictionary<string, Tensor>? best = null;
        var bestEpoch = 0;
        var bestAuc = double.NegativeInfinity;
        var bestLogLoss = double.NaN;
        long step = 0;
        double trainSeconds = 0;
        var firstEpoch = 1;
        var steps = new List<StepRecord>();
        var fingerprint = options.ResumeFolder is null ? null : EpochCheckpoint.Fingerprint(modelOptions, options, splits);
        (EpochCheckpoint.State State, Dictionary<string, Tensor>? Best)? restored = null;
        if (options.ResumeFolder is { } resumeFolder)
        {
            using var gcPause = GcPause.Begin(); // like a step: libtorch calls with no collection and no other training's step beside them
            restored = EpochCheckpoint.TryRestore(resumeFolder, fingerprint!, model, optimizer, observer);
        }

        if (restored is var (state, restoredBest))
        {
            best = restoredBest;
            (bestEpoch, bestAuc, bestLogLoss, step, trainSeconds) = (state.BestEpoch, state.BestAuc, state.BestLogLoss, state.Step, state.TrainSeconds);
            history.AddRange(state.History);
            steps.AddRange(state.Steps);
            firstEpoch = state.Epoch + 1;
            for (var e = 1; e < firstEpoch; e++)
            {
                rng.Shuffle(order); // the finished epochs' data orders, drawn again so that the next one is the same
            }

            observer.Resumed(state.History, state.Steps);
        }

        var stopped = history.Count > 0 && history[^1].Epoch != bestEpoch && history[^1].Epoch - bestEpoch >= options.Patience; // it had stopped early
        for (var epoch = firstEpoch; epoch <= options.Epochs && !stopped; epoch++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            rng.Shuffle(order);
            model.train();
            observer.EpochStarted(epoch, stepsPerEpoch);
            var qsTailFrom = stepsPerEpoch - Math.Max(1, stepsPerEpoch / 10);
            double lossSum = 0, qsSum = 0;
            var qsCount = 0;
            var watch = Stopwatch.StartNew();
            for (var s = 0; s < stepsPerEpoch; s++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                using var gcPause = GcPause.Begin();
                using var scope = NewDisposeScope();
                var from = s * options.BatchSize;
                var (input, labels) = builder.Build(train, order.AsSpan(from, Math.Min(options.BatchSize, train.Count - from)));
                model.Temperature = schedule.At(step);
                var logits = model.call(input);
                var loss = nn.functional.binary_cross_entropy_with_logits(logits, labels); // FIT, eq. 21
                var auxiliary = model.AuxiliaryLoss(labels); // DAT's mimic loss, IntTower's contrastive loss; not in the reported loss
                optimizer.zero_grad();
                (auxiliary is null ? loss : loss + auxiliary).backward();
                optimizer.step();
                var lossValue = loss.item<float>();
                lossSum += lossValue;
                var qs = model.LastQuerySimilarity;
                if (qs is { } q && s >= qsTailFrom)
                {
                    qsSum += q;
                    qsCount++;
                }

                var stepRecord = new StepRecord(step, lossValue, model.Temperature, qs);
                if (fingerprint is not null)
                {
                    steps.Add(stepRecord);
                }

                observer.StepCompleted(epoch, s, stepRecord);
                step++;
            }

            var seconds = watch.Elapsed.TotalSeconds;
            trainSeconds += seconds;
            observer.Status($"epoch {epoch}: evaluating on {splits.Validation.Count:N0} validation samples");
            var validation = Predict(model, splits.Validation, evalBuilder);
            var auc = BinaryMetrics.Auc(validation, splits.Validation.Label);
            var logLoss = BinaryMetrics.LogLossFromLogits(validation, splits.Validation.Label);
            var isFit = model is FitModel { MetaQuery: not null };
            var record = new EpochRecord(
                epoch, lossSum / stepsPerEpoch, auc, logLoss, seconds, train.Count / seconds,
                isFit ? model.Temperature : null, qsCount > 0 ? qsSum / qsCount : null);
            history.Add(record);
            var improved = auc > bestAuc;
            observer.EpochCompleted(record, improved);
            if (improved)
            {
                bestAuc = auc;
                bestLogLoss = logLoss;
                bestEpoch = epoch;
                DisposeAll(best);
                best = Snapshot(model);
            }
            else if (epoch - bestEpoch >= options.Patience)
            {
                observer.Status($"early stop: no better validation AUC for {options.Patience} epochs");
                stopped = true;
            }

            if (options.ResumeFolder is { } folder)
            {
                using var gcPause = GcPause.Begin();
                EpochCheckpoint.Save(folder, new EpochCheckpoint.State(fingerprint!, epoch, step, trainSeconds, bestEpoch, bestAuc, bestLogLoss, [.. history], [.. steps]), model, optimizer, improved);
            }
        }

        if (best is not null)
        {
            model.load_state_dict(best);
            DisposeAll(best);
        }

        observer.Status($"evaluating epoch {bestEpoch} on {splits.Test.Count:N0} test samples");
        var testLogits = Predict(model, splits.Test, evalBuilder);
        var run = new TrainRun
        {
            Model = modelOptions.Name,
            Dataset = splits.Log.Name,
            Seed = options.Seed,
            EpochsRun = history.Count,
            BestEpoch = bestEpoch,
            ValAuc = bestAuc,
            ValLogloss = bestLogLoss,
            TestAuc = BinaryMetrics.Auc(testLogits, splits.Test.Label),
            TestLogloss = BinaryMetrics.LogLossFromLogits(testLogits, splits.Test.Label),
            TrainSeconds = trainSeconds,
            SamplesPerSecond = (double)train.Count * history.Count / trainSeconds,
            EpochSeconds = trainSeconds / history.Count,
            TrainSamples = train.Count,
            ValidationSamples = splits.Validation.Count,
            TestSamples = splits.Test.Count,
            Parameters = CountParameters(model),
            Threads = threads,
            History = history,
            ModelOptions = modelOptions,
            TrainOptions = options,
            CreatedUtc = DateTime.UtcNow.ToString("O", System.Globalization.CultureInfo.InvariantCulture),
        };
        return (run, model, testLogits);
    }

    /// <summary>Eval-mode logits for every sample of <paramref name="set"/>, in sample order.</summary>
    public static float[] Predict(RankingModel model, SampleSet set, BatchBuilder builder)
    {
        model.eval();
        var result = new float[set.Count];
        var indices = new int[builder.Capacity];
        using var noGrad = no_grad();
        for (var from = 0; from < set.Count; from += builder.Capacity)
        {
            using var gcPause = GcPause.Begin();
            using var scope = NewDisposeScope();
            var count = Math.Min(builder.Capacity, set.Count - from);
            for (var i = 0; i < count; i++)
            {
                indices[i] = from + i;
            }

            var (input, _) = builder.Build(set, indices.AsSpan(0, count));
            var logits = model.call(input).contiguous();
            logits.data<float>().CopyTo(result, from);
        }

        return result;
    }

    /// <summary>Number of trainable scalars.</summary>
    public static long CountParameters(nn.Module model)
    {
        long total = 0;
        foreach (var p in model.parameters())
        {
            total += p.numel();
        }

        return total;
    }

    internal static Dictionary<string, Tensor> Snapshot(nn.Module model)
    {
        var copy = new Dictionary<string, Tensor>();
        foreach (var (name, value) in model.state_dict())
        {
            copy[name] = value.detach().clone().DetachFromDisposeScope();
        }

        return copy;
    }

    private static void DisposeAll(Dictionary<string, Tensor>? tensors)
    {
        if (tensors is null)
        {
            return;
        }

        foreach (var t in tensors.Values)
        {
            t.Dispose();
        }
    }
}
