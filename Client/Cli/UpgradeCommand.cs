using System.CommandLine;
using System.Globalization;
using FitCluster.Model.Artifacts;

namespace FitCluster.Client.Cli;

/// <summary>
/// <c>upgrade DIR</c>: converts an artifact of format version 1 to version 2 (<see cref="ArtifactUpgrade"/>) beside it in
/// <c>DIR.partial</c> (which serving ignores), proves it (checksums, golden set), then moves the old folder to
/// <c>.NAME.format1</c> (a hidden name serving never lists) and the new one to <c>DIR</c>. A failure leaves <c>DIR</c> as it was.
/// </summary>
public static class UpgradeCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Create()
    {
        var folder = new Argument<string>("folder") { Description = "The artifact folder of format version 1 to convert" };
        var command = new Command("upgrade", "Convert an artifact of format version 1 (item keys in the manifest) to version 2 (items in hash buckets; shards read only their rows)") { folder };
        command.SetAction(parse =>
        {
            var output = parse.InvocationConfiguration.Output;
            var directory = Path.TrimEndingDirectorySeparator(Path.GetFullPath(parse.GetRequiredValue(folder)));
            var staging = directory + ".partial";
            var backup = Path.Combine(Path.GetDirectoryName(directory)!, "." + Path.GetFileName(directory) + ".format1");
            try
            {
                if (Directory.Exists(staging) || Directory.Exists(backup))
                {
                    throw new ArtifactException($"{(Directory.Exists(staging) ? staging : backup)} exists: remove it first.");
                }

                var (manifest, worst) = ArtifactUpgrade.Convert(directory, staging);
                Directory.Move(directory, backup);
                Directory.Move(staging, directory);
                output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{directory}: model version {manifest.ModelVersion} upgraded to format {manifest.FormatVersion}; golden set reproduced within {worst:G3}; the format-1 folder is kept as {backup}."));
                return 0;
            }
            catch (Exception e) when (e is ArtifactException or IOException or UnauthorizedAccessException)
            {
                if (!Directory.Exists(directory) && Directory.Exists(backup))
                {
                    Directory.Move(backup, directory); // the swap failed half-way: the format-1 folder goes back
                }

                if (Directory.Exists(staging))
                {
                    Directory.Delete(staging, recursive: true); // ours: the command refuses to start when it exists
                }

                parse.InvocationConfiguration.Error.WriteLine($"error: not upgraded: {e.Message}");
                return 3;
            }
        });
        return command;
    }
}
