using System.Diagnostics;
using FitCluster.Training.Data;
using FitCluster.Training.Data.Schema;

namespace FitCluster.Training.Cli;

/// <summary>Turns the command line's dataset choice into samples under the paper's protocol.</summary>
public static class DatasetSource
{
    /// <summary>Dataset names accepted by <c>--dataset</c>.</summary>
    public static IReadOnlyList<string> Names { get; } = ["synthetic", "ml-1m", "amazon-electronics", "amazon-books", "taobao"];

    /// <summary>True when <paramref name="directory"/> holds the three MovieLens-1M files (<c>ratings.dat</c>, <c>users.dat</c>, <c>movies.dat</c>).</summary>
    /// <param name="directory">Directory to inspect; need not exist.</param>
    public static bool LooksLikeMovieLens1M(string directory) =>
        File.Exists(Path.Combine(directory, "ratings.dat"))
        && File.Exists(Path.Combine(directory, "users.dat"))
        && File.Exists(Path.Combine(directory, "movies.dat"));

    /// <summary>True when <paramref name="dataset"/> names a dataset schema file (<c>*.json</c>) rather than a built-in dataset.</summary>
    public static bool IsSchema(string dataset) =>
        !string.IsNullOrEmpty(dataset) && (dataset.EndsWith(".json", StringComparison.OrdinalIgnoreCase) || File.Exists(dataset));

    /// <summary>The dataset's name for run folders: a built-in name as given, a schema's <c>name</c>.</summary>
    /// <exception cref="SchemaException">The schema is invalid.</exception>
    public static string DisplayName(string dataset) =>
        IsSchema(dataset) ? DatasetSchemaReader.Read(dataset).Schema.Name! : dataset;

    /// <summary>What to record in a run's dataset.json: a schema's absolute path, a built-in name as given.</summary>
    public static string Reference(string dataset) => IsSchema(dataset) ? Path.GetFullPath(dataset) : dataset;

    /// <summary>Loads the dataset and builds its train / validation / test samples.</summary>
    /// <param name="dataset"><c>synthetic</c> (built in, no files), one of <c>ml-1m</c>, <c>amazon-electronics</c>,
    /// <c>amazon-books</c>, <c>taobao</c> (each needs <paramref name="dataDirectory"/>), or a dataset schema file
    /// (<c>*.json</c>, see docs/training.md "Your own data").</param>
    /// <param name="dataDirectory">Folder with the dataset's public files; for a schema, where its file names resolve
    /// (default: the schema's folder).</param>
    /// <param name="sampleOptions">Protocol options (sequence length, validation fraction, seed, user slice).</param>
    /// <param name="log">Receives one status line per stage.</param>
    /// <param name="cacheDirectory">Where ML-1M, Amazon, Taobao and schema datasets cache their preprocessed data; null for
    /// <c>DATA/.fitcache</c>.</param>
    public static SampleSplits Load(string dataset, string? dataDirectory, SampleBuilderOptions sampleOptions, Action<string> log, string? cacheDirectory = null)
    {
        ArgumentNullException.ThrowIfNull(sampleOptions);
        var watch = Stopwatch.StartNew();
        InteractionLog interactions;
        if (IsSchema(dataset))
        {
            var loaded = SchemaDatasetLoader.Load(dataset, dataDirectory, new InlineProgress<string>(log), cacheDirectory);
            return Report(loaded.Split(sampleOptions), watch, log);
        }

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

                if (!LooksLikeMovieLens1M(dataDirectory))
                {
                    throw new FileNotFoundException(
                        $"'{dataDirectory}' does not hold the MovieLens-1M files (ratings.dat, users.dat, movies.dat).");
                }

                // The GroupLens files need no code of their own: the built-in dataset is examples/ml-1m/schema.json.
                interactions = SchemaDatasetLoader.Load(BuiltInSchemas.MovieLens1M(), dataDirectory, new InlineProgress<string>(log), cacheDirectory).Log;
                log($"ml-1m: {interactions.UserCount:N0} users, {interactions.BehaviourItems.Length:N0} ratings, {interactions.ActiveItems.Length:N0} rated movies");
                break;
            case "amazon-electronics" or "amazon-books":
                var subset = dataset == "amazon-books" ? AmazonSubset.Books : AmazonSubset.Electronics;
                interactions = AmazonLoader.Load(
                    RequireDirectory(dataset, dataDirectory, $"{AmazonLoader.ReviewsFileName(subset)} and {AmazonLoader.MetadataFileName(subset)} (plain or .gz)"),
                    subset, new InlineProgress<string>(log), cacheDirectory);
                log($"{dataset}: {interactions.UserCount:N0} users, {interactions.BehaviourItems.Length:N0} reviews, {interactions.ActiveItems.Length:N0} reviewed items");
                break;
            case "taobao":
                // The Tianchi files need no code of their own either: the built-in dataset is examples/taobao/schema.json.
                var folder = RequireDirectory(dataset, dataDirectory, "raw_sample.csv, ad_feature.csv and user_profile.csv (plain or .gz)");
                var taobao = SchemaDatasetLoader.Load(BuiltInSchemas.Taobao(folder), folder, new InlineProgress<string>(log), cacheDirectory);
                log($"taobao: {taobao.Log.UserCount:N0} users with clicks, {taobao.Impressions?.Count ?? 0:N0} page views, {taobao.Log.BehaviourItems.Length:N0} clicks, {taobao.Log.ItemVocabSize - 1:N0} ad groups");
                return Report(taobao.Split(sampleOptions), watch, log);
            default:
                throw new ArgumentException($"Unknown dataset '{dataset}'. Known: {string.Join(", ", Names)}, or a dataset schema file (*.json).");
        }

        return Report(SampleBuilder.Build(interactions, sampleOptions), watch, log);
    }

    private static string RequireDirectory(string dataset, string? dataDirectory, string files) =>
        string.IsNullOrEmpty(dataDirectory)
            ? throw new ArgumentException($"--dataset {dataset} needs --data DIR: the folder with {files}.")
            : Directory.Exists(dataDirectory)
                ? dataDirectory
                : throw new DirectoryNotFoundException($"--data {dataDirectory}: no such folder (it should hold {files}).");

    private static SampleSplits Report(SampleSplits splits, Stopwatch watch, Action<string> log)
    {
        log($"samples: {splits.Train.Count:N0} train, {splits.Validation.Count:N0} validation, {splits.Test.Count:N0} test ({watch.ElapsedMilliseconds:N0} ms)");
        return splits;
    }
}
