using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using FitCluster.Training.Data;
using FitCluster.Training.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace FitCluster.Training.Runs;

/// <summary>
/// A run's state after each finished epoch, so that a training interrupted mid-run (a killed process, a machine that went
/// away) continues from its last finished epoch instead of starting over: the weights, Adam's moments, libtorch's random
/// state, the best epoch's weights and the loop's own counters. Resuming replays the data order (each epoch's shuffle
/// is drawn from the seed's generator in turn), so an interrupted and resumed run computes the same numbers as one that
/// was never interrupted.
/// </summary>
/// <remarks>
/// Layout: <c>FOLDER/epoch-N/</c> holding <c>model.bin</c>, <c>optimizer.bin</c>, <c>rng.bin</c>, <c>best.bin</c> and,
/// written last, <c>state.json</c>; once epoch N is whole, older epoch folders are removed. A folder without its
/// <c>state.json</c> is an epoch whose save was interrupted and is ignored. A state written for another configuration
/// (model, seed, optimiser settings, dataset sizes — the <see cref="Fingerprint"/>) is discarded, never resumed; the epoch
/// cap and the patience are not part of it, so a run can be resumed with a higher cap.
/// </remarks>
internal static class EpochCheckpoint
{
    private const string StateFile = "state.json";
    private const string ModelFile = "model.bin";
    private const string OptimizerFile = "optimizer.bin";
    private const string RandomFile = "rng.bin";
    private const string BestFile = "best.bin";

    private static readonly JsonSerializerOptions s_json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        WriteIndented = false,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    /// <summary>What a resumed loop continues from.</summary>
    internal sealed record State(
        string Fingerprint,
        int Epoch,
        long Step,
        double TrainSeconds,
        int BestEpoch,
        double BestAuc,
        double BestLogLoss,
        IReadOnlyList<EpochRecord> History,
        IReadOnlyList<StepRecord> Steps);

    /// <summary>
    /// Everything that shapes a run's trajectory apart from the epoch cap and the patience: the architecture, the seed,
    /// the optimiser and schedule settings and the sizes of the splits.
    /// </summary>
    public static string Fingerprint(ModelOptions modelOptions, TrainOptions options, SampleSplits splits)
    {
        var text = string.Join(
            "\n",
            JsonSerializer.Serialize(modelOptions, s_json),
            string.Create(CultureInfo.InvariantCulture, $"seed={options.Seed} batch={options.BatchSize} lr={options.LearningRate:R} wd={options.WeightDecay:R} tau={options.TemperatureEpochs:R}"),
            string.Create(CultureInfo.InvariantCulture, $"dataset={splits.Log.Name} train={splits.Train.Count} validation={splits.Validation.Count} test={splits.Test.Count}"));
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));
    }

    /// <summary>
    /// Restores the newest whole epoch of <paramref name="folder"/> into <paramref name="model"/> and
    /// <paramref name="optimizer"/> and returns its state with the best epoch's weights; null when there is nothing to
    /// resume (no folder, another configuration, or unreadable files: those are removed and the run starts over).
    /// </summary>
    public static (State State, Dictionary<string, Tensor>? Best)? TryRestore(
        string folder, string fingerprint, RankingModel model, TorchSharp.Modules.OptimizerHelper optimizer, ITrainingObserver observer)
    {
        var latest = Latest(folder);
        if (latest is null)
        {
            return null;
        }

        try
        {
            var state = JsonSerializer.Deserialize<State>(File.ReadAllText(Path.Combine(latest, StateFile)), s_json)
                ?? throw new InvalidDataException("empty state");
            if (state.Fingerprint != fingerprint)
            {
                observer.Status($"resume: {latest} was written for another configuration; starting over");
                Directory.Delete(folder, recursive: true);
                return null;
            }

            Dictionary<string, Tensor>? best = null;
            if (state.BestEpoch > 0)
            {
                model.load(Path.Combine(latest, BestFile));
                best = Trainer.Snapshot(model);
            }

            model.load(Path.Combine(latest, ModelFile));
            optimizer.load_state_dict(Path.Combine(latest, OptimizerFile));
            using (var random = torch.tensor(File.ReadAllBytes(Path.Combine(latest, RandomFile)), dtype: ScalarType.Byte))
            {
                torch.random.set_rng_state(random);
            }

            observer.Status($"resume: continuing after epoch {state.Epoch} (best so far: epoch {state.BestEpoch}, validation AUC {state.BestAuc:F4})");
            return (state, best);
        }
        catch (Exception e) when (e is IOException or InvalidDataException or JsonException or System.Runtime.InteropServices.ExternalException or ArgumentException or UnauthorizedAccessException)
        {
            observer.Status($"resume: {latest} is unreadable ({e.Message}); starting over");
            Directory.Delete(folder, recursive: true);
            return null;
        }
    }

    /// <summary>Writes epoch <paramref name="state"/>.Epoch whole, then removes the older epochs.</summary>
    /// <param name="folder">The run's resume folder.</param>
    /// <param name="state">The loop's state after the epoch.</param>
    /// <param name="model">The model as the epoch left it.</param>
    /// <param name="optimizer">Its optimiser.</param>
    /// <param name="improved">Whether this epoch is the new best (its weights become <c>best.bin</c>); otherwise the
    /// previous epoch's <c>best.bin</c> is carried over.</param>
    public static void Save(string folder, State state, RankingModel model, TorchSharp.Modules.OptimizerHelper optimizer, bool improved)
    {
        var previous = Latest(folder);
        var target = Path.Combine(folder, string.Create(CultureInfo.InvariantCulture, $"epoch-{state.Epoch}"));
        if (Directory.Exists(target))
        {
            Directory.Delete(target, recursive: true);
        }

        Directory.CreateDirectory(target);
        model.save(Path.Combine(target, ModelFile));
        optimizer.save_state_dict(Path.Combine(target, OptimizerFile));
        using (var random = torch.random.get_rng_state())
        {
            File.WriteAllBytes(Path.Combine(target, RandomFile), random.data<byte>().ToArray()); // the generator's state bytes
        }

        if (improved)
        {
            File.Copy(Path.Combine(target, ModelFile), Path.Combine(target, BestFile));
        }
        else if (state.BestEpoch > 0 && previous is not null)
        {
            File.Copy(Path.Combine(previous, BestFile), Path.Combine(target, BestFile));
        }

        var temporary = Path.Combine(target, StateFile + ".tmp");
        File.WriteAllText(temporary, JsonSerializer.Serialize(state, s_json));
        File.Move(temporary, Path.Combine(target, StateFile)); // the epoch is whole from here on
        foreach (var old in Directory.EnumerateDirectories(folder, "epoch-*"))
        {
            if (!string.Equals(Path.GetFullPath(old), Path.GetFullPath(target), StringComparison.Ordinal))
            {
                Directory.Delete(old, recursive: true);
            }
        }
    }

    // The whole epoch folder with the highest number, or null.
    private static string? Latest(string folder)
    {
        if (!Directory.Exists(folder))
        {
            return null;
        }

        return Directory.EnumerateDirectories(folder, "epoch-*")
            .Select(d => (Path: d, Epoch: int.TryParse(Path.GetFileName(d)["epoch-".Length..], NumberStyles.None, CultureInfo.InvariantCulture, out var e) ? e : -1))
            .Where(d => d.Epoch > 0 && File.Exists(Path.Combine(d.Path, StateFile)))
            .OrderByDescending(d => d.Epoch)
            .Select(d => d.Path)
            .FirstOrDefault();
    }
}
