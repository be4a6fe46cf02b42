using Microsoft.Extensions.Options;

namespace FitCluster.Grains;

/// <summary>Reports every invalid <see cref="RankingOptions"/> value at once, at start-up.</summary>
public sealed class RankingOptionsValidator : IValidateOptions<RankingOptions>
{
    /// <inheritdoc />
    public ValidateOptionsResult Validate(string? name, RankingOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        if (string.IsNullOrWhiteSpace(options.ArtifactRoot))
        {
            failures.Add("Ranking:ArtifactRoot is required (a folder with one exported model version per sub-folder).");
        }
        else if (!Directory.Exists(options.ArtifactRoot))
        {
            failures.Add($"Ranking:ArtifactRoot '{options.ArtifactRoot}' does not exist.");
        }

        if (options.UserTowerSplit is < 0 or > 64)
        {
            failures.Add($"Ranking:UserTowerSplit must be in 0..64 (0 = one per core), got {options.UserTowerSplit}.");
        }

        if (options.ShardCount is < 1 or > 4096)
        {
            failures.Add($"Ranking:ShardCount must be in 1..4096, got {options.ShardCount}.");
        }

        if (options.MaxCandidates < 1)
        {
            failures.Add($"Ranking:MaxCandidates must be positive, got {options.MaxCandidates}.");
        }

        if (options.MaxK < 1)
        {
            failures.Add($"Ranking:MaxK must be positive, got {options.MaxK}.");
        }

        if (options.MaxBehaviours < 0)
        {
            failures.Add($"Ranking:MaxBehaviours must not be negative, got {options.MaxBehaviours}.");
        }

        if (options.RequestTimeout <= TimeSpan.Zero)
        {
            failures.Add($"Ranking:RequestTimeout must be positive, got {options.RequestTimeout}.");
        }

        if (options.ShardJoinGrace < TimeSpan.Zero)
        {
            failures.Add($"Ranking:ShardJoinGrace must not be negative (zero: no grace), got {options.ShardJoinGrace}.");
        }

        if (options.ItemCatchUpInterval <= TimeSpan.Zero || options.ItemPushTimeout <= TimeSpan.Zero)
        {
            failures.Add($"Ranking:ItemCatchUpInterval and Ranking:ItemPushTimeout must be positive, got {options.ItemCatchUpInterval} and {options.ItemPushTimeout}.");
        }

        if (options.UnloadAfter < TimeSpan.Zero)
        {
            failures.Add($"Ranking:UnloadAfter must not be negative (zero: never unload), got {options.UnloadAfter}.");
        }

        if (options.ActiveVersionCacheDuration < TimeSpan.Zero)
        {
            failures.Add("Ranking:ActiveVersionCacheDuration must not be negative.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
