using System.Diagnostics;
using FitCluster.Training.Data;

namespace FitCluster.Training.Cli;

/// <summary>Turns the command line's dataset choice into samples under the paper's protocol.</summary>
public static class DatasetSource
{
    /// <summary>Dataset names accepted by <c>--dataset</c>.</summary>
    public static IReadOnlyList<string> Names { get; } = ["synthetic", "ml-1m"];

    /// <summary>Loads the dataset and builds its train / validation / test samples.</summary>
    /// <param name="dataset"><c>synthetic</c> (built in, no files) or <c>ml-1m</c> (needs <paramref name="dataDirectory"/>).</param>
    /// <param name="dataDirectory">Folder with the dataset's public files.</param>
    /// <param name="sampleOptions">Protocol options (sequence length, validation fraction, seed, user slice).</param>
    /// <param name="log">Receives one status line per stage.</param>
    public static SampleSplits Load(string dataset, string? dataDirectory, SampleBuilderOptions sampleOptions, Action<string> log)
    {
        var watch = Stopwatch.StartNew();
        InteractionLog interactions;
        switch (dataset)
        {
            case "synthetic":
                interactions = SyntheticDataset.Generate(new SyntheticDatasetOptions());
                log($"synthetic dataset (built in, planted user–item structure; not real data): {interactions.UserCount:N0} users, {interactions.ItemVocabSize - 1:N0} items");
                break;
            case "ml-1m":
                if (string.IsNullOrEmpty(dataDirectory))
                {
                    throw new ArgumentException("--dataset ml-1m needs --data DIR: the folder with ratings.dat, users.dat and movies.dat.");
                }

                if (!MovieLens1MLoader.LooksLikeMovieLens1M(dataDirectory))
                {
                    throw new FileNotFoundException(
                        $"'{dataDirectory}' does not hold the MovieLens-1M files (ratings.dat, users.dat, movies.dat).");
                }

                interactions = MovieLens1MLoader.Load(dataDirectory, new Progress<string>(log));
                log($"ml-1m: {interactions.UserCount:N0} users, {interactions.BehaviourItems.Length:N0} ratings, {interactions.ActiveItems.Length:N0} rated movies");
                break;
            default:
                throw new ArgumentException($"Unknown dataset '{dataset}'. Known: {string.Join(", ", Names)}.");
        }

        var splits = SampleBuilder.Build(interactions, sampleOptions);
        log($"samples: {splits.Train.Count:N0} train, {splits.Validation.Count:N0} validation, {splits.Test.Count:N0} test ({watch.ElapsedMilliseconds:N0} ms)");
        return splits;
    }
}
