using System.Globalization;

namespace FitCluster.Training.Cli;

/// <summary>
/// Who is training a run: <c>runs/&lt;name&gt;.claim</c> beside the run's folder, held open with an exclusive lock
/// (<see cref="FileShare.None"/>: <c>flock</c> on Linux) by the <c>bench</c> process training the run, with its process
/// id and host in <c>&lt;name&gt;.claim.holder</c> for people (and the skipping process's message) to read: .NET takes a
/// shared lock to read a file, which the holder's exclusive lock refuses. Several <c>bench</c> processes started with the same command on the same
/// folder (each with <c>--threads 1</c> on a small machine) then share the runs: each takes the next run nobody holds,
/// and skips the ones another process holds. The operating system drops the lock when its process ends however it ends
/// (killed, crashed), so a run is never held by a process that is gone: the next taker resumes it from its last
/// finished epoch. The folder must be on a local file system (advisory locks are not reliable over NFS).
/// </summary>
public sealed class RunClaim : IDisposable
{
    private readonly FileStream _lock;
    private readonly string _runDirectory;

    private RunClaim(FileStream held, string runDirectory)
    {
        _lock = held;
        _runDirectory = runDirectory;
    }

    /// <summary>The claim file of the run in <paramref name="runDirectory"/>.</summary>
    public static string PathOf(string runDirectory) => Path.TrimEndingDirectorySeparator(Path.GetFullPath(runDirectory)) + ".claim";

    /// <summary>This process as a claim's text.</summary>
    public static string Self { get; } = string.Create(CultureInfo.InvariantCulture, $"process {Environment.ProcessId} on {Environment.MachineName}");

    /// <summary>
    /// Claims the run in <paramref name="runDirectory"/> for this process, or returns null with what the holder wrote
    /// in <paramref name="heldBy"/>.
    /// </summary>
    public static RunClaim? TryTake(string runDirectory, out string? heldBy)
    {
        var path = PathOf(runDirectory);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        FileStream held;
        try
        {
            held = new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        }
        catch (IOException)
        {
            heldBy = Holder(path);
            return null;
        }

        try
        {
            File.WriteAllText(path + ".holder", Self);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Only a message for others: the lock is the claim.
        }

        heldBy = null;
        return new RunClaim(held, Path.GetFullPath(runDirectory));
    }

    /// <summary>
    /// Releases the claim. The file is removed only once the run has finished (its <c>metrics.json</c> exists): removing
    /// it earlier would let one process lock the removed file while another creates and locks a new one.
    /// </summary>
    public void Dispose()
    {
        var path = PathOf(_runDirectory);
        try
        {
            File.Delete(path + ".holder");
            if (File.Exists(Path.Combine(_runDirectory, RunWriter.MetricsFileName)))
            {
                File.Delete(path); // a later taker re-checks metrics.json after locking, so it trains nothing
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Left behind: harmless, nobody holds it.
        }
        finally
        {
            _lock.Dispose(); // the claim itself is released whatever happened to the files
        }
    }

    private static string Holder(string path)
    {
        try
        {
            var text = File.ReadAllText(path + ".holder").Trim();
            return text.Length > 0 ? text : "another process";
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return "another process";
        }
    }
}
