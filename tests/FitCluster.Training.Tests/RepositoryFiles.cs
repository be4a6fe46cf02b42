namespace FitCluster.Training.Tests;

/// <summary>Files of the repository the tests run from (the example schemas under <c>examples/</c>).</summary>
internal static class RepositoryFiles
{
    /// <summary>The folder holding FitCluster.sln above the test binaries.</summary>
    public static string Root { get; } = FindRoot();

    /// <summary>The absolute path of <paramref name="relative"/> under the repository root.</summary>
    public static string Path(string relative) => System.IO.Path.Combine(Root, relative);

    private static string FindRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(System.IO.Path.Combine(directory.FullName, "FitCluster.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException($"No FitCluster.sln above {AppContext.BaseDirectory}.");
    }
}
