namespace FitCluster.EndToEnd.Tests.Infrastructure;

/// <summary>
/// The images the container tests run, as <c>./fit test</c> announces them after <c>./fit image</c> has made them
/// with podman (no registry is reachable from CI): <c>FITCLUSTER_IMAGE_TAG</c> names the silo and gateway images'
/// tag, <c>FITCLUSTER_REDIS_IMAGE</c> the Redis image, <c>FITCLUSTER_CONTAINER_RUN</c> the label value every
/// container of the run gets (<c>./fit</c> removes what a crashed run left behind by it).
/// </summary>
public sealed class ContainerImages
{
    /// <summary>The repository of every FitCluster image.</summary>
    public const string Prefix = "localhost/fitcluster";

    /// <summary>The label every container the tests start carries, with <see cref="RunLabel"/> as its value.</summary>
    public const string RunLabelName = "fitcluster.test-run";

    private ContainerImages(string tag, string redis, string runLabel)
    {
        Silo = $"{Prefix}/silo:{tag}";
        Gateway = $"{Prefix}/gateway:{tag}";
        Redis = redis;
        RunLabel = runLabel;
    }

    /// <summary>The silo image.</summary>
    public string Silo { get; }

    /// <summary>The gateway image (the client executable; its default command is the gateway).</summary>
    public string Gateway { get; }

    /// <summary>The Redis image (the project's Debian base plus Debian's redis-server).</summary>
    public string Redis { get; }

    /// <summary>The value of <see cref="RunLabelName"/> on this run's containers.</summary>
    public string RunLabel { get; }

    /// <summary>
    /// The images and a container engine to run them, or why they cannot be had: no engine answers (the machine has
    /// none and <c>./fit</c> could not install podman: not root, no apt-get), or the images were not announced (the
    /// tests ran outside <c>./fit test</c> without <c>./fit image</c>).
    /// </summary>
    public static async Task<(ContainerImages? Images, string? Problem)> LocateAsync(CancellationToken cancellationToken)
    {
        if (await DockerProbe.ProblemAsync(cancellationToken) is { } engine)
        {
            return (null, $"Needs a container engine (podman or Docker), and {engine}. `./fit test` installs and starts podman " +
                "where it can (root or sudo, apt-get); here it could not.");
        }

        var tag = Environment.GetEnvironmentVariable("FITCLUSTER_IMAGE_TAG");
        var redis = Environment.GetEnvironmentVariable("FITCLUSTER_REDIS_IMAGE");
        if (string.IsNullOrEmpty(tag) || string.IsNullOrEmpty(redis))
        {
            return (null, "Needs the FitCluster images: run the tests with `./fit test` (it builds them), or run `./fit image` and set " +
                "FITCLUSTER_IMAGE_TAG (the tag it printed) and FITCLUSTER_REDIS_IMAGE (localhost/fitcluster/redis:...).");
        }

        var run = Environment.GetEnvironmentVariable("FITCLUSTER_CONTAINER_RUN");
        return (new ContainerImages(tag, redis, string.IsNullOrEmpty(run) ? "manual" : run), null);
    }
}
