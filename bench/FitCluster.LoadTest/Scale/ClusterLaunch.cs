namespace FitCluster.LoadTest.Scale;

/// <summary>What a cluster of the benchmark serves and how its processes are started.</summary>
/// <param name="DotnetHost">The <c>dotnet</c> executable.</param>
/// <param name="SiloDll">The silo (<c>FitCluster.Silo.dll</c>, Release build).</param>
/// <param name="RedisServer">The <c>redis-server</c> executable.</param>
/// <param name="CatalogDirectory">The catalog (a sealed artifact folder) every silo serves.</param>
/// <param name="ModelVersion">The catalog's model version, activated as the default.</param>
/// <param name="ShardsPerSilo">Item shards per silo.</param>
/// <param name="LogDirectory">Where Redis and silo logs go.</param>
/// <param name="ReadyTimeout">Longest wait for every silo to answer <c>/health/ready</c>.</param>
/// <param name="SiloSettings">Configuration overrides (<c>Section:Key=Value</c>) passed to every silo after the benchmark's own.</param>
public sealed record ClusterLaunch(
    string DotnetHost, string SiloDll, string RedisServer, string CatalogDirectory, string ModelVersion, int ShardsPerSilo, string LogDirectory, TimeSpan ReadyTimeout,
    IReadOnlyList<string> SiloSettings);
