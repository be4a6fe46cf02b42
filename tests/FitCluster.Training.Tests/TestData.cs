using FitCluster.Training.Cli;
using FitCluster.Training.Data;
using FitCluster.Training.Data.Schema;
using Xunit;

namespace FitCluster.Training.Tests;

/// <summary>
/// Finds optional real datasets for tests. MovieLens-1M is never downloaded or committed: it is looked up in
/// <c>$FIT_ML1M_DIR</c>, else in <c>shared/data/ml-1m</c> beside any ancestor of the test binaries (the repository at
/// <c>/work/main</c> finds <c>/work/shared/data/ml-1m</c>). Tests that need it are skipped when it is absent.
/// </summary>
internal static class TestData
{
    /// <summary>Environment variable naming a directory with the MovieLens-1M files.</summary>
    public const string MovieLens1MDirectoryVariable = "FIT_ML1M_DIR";

    /// <summary>Trait value of tests that need a real dataset (<c>Category</c> trait).</summary>
    public const string RealDataCategory = "RealData";

    private static readonly Lazy<InteractionLog> s_movieLens1M =
        new(() => SchemaDatasetLoader.Load(BuiltInSchemas.MovieLens1M(), RequireMovieLens1M(), null, CacheDirectory).Log, LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>Where tests cache the real ML-1M (never beside the shared data).</summary>
    public static string CacheDirectory { get; } = Path.Combine(Path.GetTempPath(), "fitcluster-tests-dataset-cache");

    /// <summary>The MovieLens-1M directory, or null when none was found.</summary>
    public static string? MovieLens1MDirectory { get; } = FindMovieLens1M();

    /// <summary>The MovieLens-1M directory; skips the calling test when it is absent.</summary>
    public static string RequireMovieLens1M()
    {
        if (MovieLens1MDirectory is null)
        {
            Assert.Skip(
                $"MovieLens-1M not found: set {MovieLens1MDirectoryVariable} to a directory with ratings.dat, users.dat and "
                + "movies.dat, or place them in shared/data/ml-1m beside an ancestor of the test binaries.");
        }

        return MovieLens1MDirectory;
    }

    /// <summary>MovieLens-1M loaded once per test run and shared (treat as read-only); skips when absent.</summary>
    public static InteractionLog MovieLens1M()
    {
        RequireMovieLens1M();
        return s_movieLens1M.Value;
    }

    private static string? FindMovieLens1M()
    {
        var fromEnvironment = Environment.GetEnvironmentVariable(MovieLens1MDirectoryVariable);
        if (!string.IsNullOrWhiteSpace(fromEnvironment))
        {
            return DatasetSource.LooksLikeMovieLens1M(fromEnvironment) ? Path.GetFullPath(fromEnvironment) : null;
        }

        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            var candidate = Path.Combine(directory.FullName, "shared", "data", "ml-1m");
            if (DatasetSource.LooksLikeMovieLens1M(candidate))
            {
                return candidate;
            }
        }

        return null;
    }
}
