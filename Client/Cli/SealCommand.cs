using System.CommandLine;
using System.Globalization;
using FitCluster.Model.Artifacts;
using FitCluster.Model.Ranking;

namespace FitCluster.Client.Cli;

/// <summary>
/// <c>seal DIR</c>: seals a complete artifact folder exported before artifacts were sealed (no <c>SEALED</c> file), after
/// proving it whole: every file's size and SHA-256, the dimensions and values, and the golden set re-scored. A folder that
/// fails any check is left unsealed (so serving keeps ignoring it), with the reason.
/// </summary>
public static class SealCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Create()
    {
        var folder = new Argument<string>("folder") { Description = "The artifact folder to verify and seal" };
        var command = new Command("seal", "Verify an unsealed artifact folder (checksums, dimensions, golden set) and write its SEALED file") { folder };
        command.SetAction(parse =>
        {
            var output = parse.InvocationConfiguration.Output;
            var directory = parse.GetRequiredValue(folder);
            try
            {
                if (ArtifactSeal.Read(directory) is not null)
                {
                    output.WriteLine($"{directory}: already sealed; nothing to do.");
                    return 0;
                }

                // Prove it before sealing: load unsealed with every check, re-score the golden set, then seal those exact bytes.
                using (var ranker = new Ranker(ModelArtifact.Load(directory, verifyChecksums: true, requireSeal: false)))
                {
                    var worst = GoldenCheck.Verify(ranker);
                    output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                        $"{directory}: model version {ranker.Artifact.ModelVersion}; every file checked; golden set reproduced within {worst:G3}."));
                }

                ModelArtifact.SealExisting(directory);
                output.WriteLine($"{directory}: sealed.");
                return 0;
            }
            catch (Exception e) when (e is ArtifactException or IOException or UnauthorizedAccessException)
            {
                parse.InvocationConfiguration.Error.WriteLine($"error: not sealed: {e.Message}");
                return 3;
            }
        });
        return command;
    }
}
