using System.Diagnostics;
using System.Security.Cryptography;
using FitCluster.Model.Tests;

namespace FitCluster.Client.Tests;

/// <summary>
/// k8s/base and every overlay, rendered with kustomize and checked offline by tests/k8s-validate/validate.mjs: every
/// object against the Kubernetes JSON schemas (npm kubernetes-models) and FitCluster's deployment rules (probes,
/// requests and limits, a PodDisruptionBudget per deployment, anti-affinity, rolling updates, graceful shutdown).
/// <c>./fit test</c> provides node, npm and kustomize (its Debian 13 root has them); the npm packages are installed
/// once with <c>npm ci</c> into .fit/k8s-validate/LOCKHASH. Elsewhere the test needs node, npm and kustomize or kubectl
/// on PATH, and skips, saying which is missing, without them.
/// </summary>
public sealed partial class DeploymentConfigurationTests
{
    private static readonly TimeSpan s_nodeTimeout = TimeSpan.FromMinutes(2);
    private static readonly TimeSpan s_npmTimeout = TimeSpan.FromMinutes(5);

    [Fact]
    public void KubernetesManifests_EveryKustomizationRendersAndValidates()
    {
        var validator = Validator();
        var rendered = Path.Combine(Path.GetTempPath(), $"fitcluster-k8s-{Guid.NewGuid():N}");
        try
        {
            var (exit, output) = Run(validator.Node, [validator.Script, "--k8s", Path.Combine(RepositoryRoot(), "k8s"), "--write", rendered], validator.Directory, s_nodeTimeout);
            Assert.SkipWhen(exit == 3, output);
            Assert.True(exit == 0, $"node validate.mjs exited {exit}:\n{output}");

            // Every kustomization of the tree was rendered and checked (a new overlay is picked up by itself).
            var expected = new[] { "base" }.Concat(Directory.GetDirectories(Path.Combine(RepositoryRoot(), "k8s", "overlays"))
                .Where(d => File.Exists(Path.Combine(d, "kustomization.yaml"))).Select(d => $"overlays/{Path.GetFileName(d)}"));
            foreach (var name in expected)
            {
                Assert.Contains($"k8s/{name}: ", output, StringComparison.Ordinal);
            }

            Assert.Contains("overlays/azure", expected);
            var azure = File.ReadAllText(Path.Combine(rendered, "overlays-azure.yaml"));
            Assert.Contains("Cluster__Clustering: azure", azure, StringComparison.Ordinal);
            Assert.Contains("Gateway__Clustering: azure", azure, StringComparison.Ordinal);
            Assert.DoesNotContain("RedisConnectionString", azure, StringComparison.Ordinal);
            Assert.Matches(@"name: Cluster__AzureStorageConnectionString\s+valueFrom:\s+secretKeyRef:\s+key: connection-string\s+name: fitcluster-azure", azure);
            Assert.Matches(@"name: Gateway__AzureStorageConnectionString\s+valueFrom:\s+secretKeyRef:\s+key: connection-string\s+name: fitcluster-azure", azure);
            Assert.Contains("DOTNET_ThreadPool_UnfairSemaphoreSpinLimit", azure, StringComparison.Ordinal); // production's latency profile too
        }
        finally
        {
            if (Directory.Exists(rendered))
            {
                Directory.Delete(rendered, recursive: true);
            }
        }
    }

    /// <summary>The validator catches what it is there for: each broken rule in a rendered production overlay is named.</summary>
    [Fact]
    public void KubernetesValidator_ReportsBrokenRules()
    {
        var validator = Validator();
        using var temp = new TempDirectory();
        var (exit, output) = Run(validator.Node, [validator.Script, "--k8s", Path.Combine(RepositoryRoot(), "k8s"), "--write", temp.Path], validator.Directory, s_nodeTimeout);
        Assert.SkipWhen(exit == 3, output);
        Assert.True(exit == 0, output);
        var prod = File.ReadAllText(Path.Combine(temp.Path, "overlays-prod.yaml"));

        var broken = prod
            .Replace("seconds: 10", "seconds: 20", StringComparison.Ordinal) // silo: 20 + 45 >= 60
            .Replace("path: /health/ready", "path: /healthz", StringComparison.Ordinal)
            .Replace("maxUnavailable: 0", "maxUnavailable: 1", StringComparison.Ordinal)
            .Replace("memory: 2Gi", "memory: two-gigabytes", StringComparison.Ordinal)
            .Replace("podAntiAffinity:", "podAffinity:", StringComparison.Ordinal)
            .Replace("kind: PodDisruptionBudget\nmetadata:\n  labels:\n    app.kubernetes.io/part-of: fitcluster\n  name: fitcluster-gateway", "kind: PodDisruptionBudget\nmetadata:\n  name: fitcluster-gateway-old", StringComparison.Ordinal)
            .Replace("image: localhost/fitcluster/gateway:0.1.0", "image: localhost/fitcluster/gateway:latest", StringComparison.Ordinal);
        Assert.NotEqual(prod, broken);
        var file = Path.Combine(temp.Path, "broken.yaml");
        File.WriteAllText(file, broken);

        (exit, output) = Run(validator.Node, [validator.Script, "--rendered", $"overlays/broken={file}"], validator.Directory, s_nodeTimeout);

        Assert.Equal(1, exit);
        Assert.Contains("terminationGracePeriodSeconds 60 must exceed preStop sleep 20 + shutdown timeout 45", output, StringComparison.Ordinal);
        Assert.Contains("readinessProbe checks /healthz, expected /health/ready", output, StringComparison.Ordinal);
        Assert.Contains("Deployment/fitcluster-silo: strategy must be RollingUpdate with maxSurge 1 and maxUnavailable 0", output, StringComparison.Ordinal);
        Assert.Contains("Deployment/fitcluster-silo: schema: /spec/template/spec/containers/0/resources/requests/memory", output, StringComparison.Ordinal);
        Assert.Contains("no pod anti-affinity over kubernetes.io/hostname", output, StringComparison.Ordinal);
        Assert.Contains("image localhost/fitcluster/gateway:latest: the overlay must pin a version", output, StringComparison.Ordinal);
    }

    private sealed record NodeValidator(string Node, string Script, string Directory);

    // node from PATH; the npm packages of tests/k8s-validate installed once per package-lock.json (npm ci) into a
    // cache folder, with validate.mjs copied beside them (ES modules resolve packages from the script's own folder).
    private static NodeValidator Validator()
    {
        var source = Path.Combine(RepositoryRoot(), "tests", "k8s-validate");
        var node = OnPath("node") ?? OnPath("nodejs");
        Assert.SkipWhen(node is null, "node is not on PATH: the Kubernetes manifests were not validated (./fit test brings it; elsewhere install Node.js 20+)");
        var lockFile = Path.Combine(source, "package-lock.json");
        var hash = Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(lockFile)))[..16];
        var directory = Path.Combine(CacheRoot(), hash);
        if (!File.Exists(Path.Combine(directory, ".ready")))
        {
            var npm = OnPath("npm");
            Assert.SkipWhen(npm is null, "npm is not on PATH and the validator's packages are not installed: the Kubernetes manifests were not validated (./fit test brings npm; elsewhere install it)");
            var staging = $"{directory}.tmp.{Environment.ProcessId}";
            if (Directory.Exists(staging))
            {
                Directory.Delete(staging, recursive: true);
            }

            Directory.CreateDirectory(staging);
            File.Copy(Path.Combine(source, "package.json"), Path.Combine(staging, "package.json"));
            File.Copy(lockFile, Path.Combine(staging, "package-lock.json"));
            var (exit, output) = Run(npm!, ["ci", "--ignore-scripts", "--no-audit", "--no-fund", "--loglevel=error"], staging, s_npmTimeout);
            Assert.True(exit == 0, $"npm ci in {staging} exited {exit}:\n{output}");
            File.WriteAllText(Path.Combine(staging, ".ready"), hash);
            try
            {
                Directory.Move(staging, directory);
            }
            catch (IOException) when (File.Exists(Path.Combine(directory, ".ready")))
            {
                Directory.Delete(staging, recursive: true); // another test run installed it first
            }
        }

        // Named by its content: runs of other checkouts that share the cache never overwrite each other's copy.
        var text = File.ReadAllBytes(Path.Combine(source, "validate.mjs"));
        var script = Path.Combine(directory, $"validate.{Convert.ToHexStringLower(SHA256.HashData(text))[..16]}.mjs");
        if (!File.Exists(script))
        {
            var partial = $"{script}.{Environment.ProcessId}";
            File.WriteAllBytes(partial, text);
            File.Move(partial, script, overwrite: true);
        }

        return new NodeValidator(node!, script, directory);
    }

    // .fit/k8s-validate (./fit's cache, ignored by git); a folder under the temp directory where .fit cannot be made
    // (a .fit symlink that points outside the Debian root, as in a worktree sharing another's cache). FIT_K8S_VALIDATE_CACHE wins.
    private static string CacheRoot()
    {
        if (Environment.GetEnvironmentVariable("FIT_K8S_VALIDATE_CACHE") is { Length: > 0 } configured)
        {
            return configured;
        }

        var inRepository = Path.Combine(RepositoryRoot(), ".fit", "k8s-validate");
        try
        {
            Directory.CreateDirectory(inRepository);
            return inRepository;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return Path.Combine(Path.GetTempPath(), "fitcluster-k8s-validate");
        }
    }

    private static string? OnPath(string name) =>
        (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(dir => Path.Combine(dir, name))
            .FirstOrDefault(File.Exists);

    private static (int ExitCode, string Output) Run(string file, IEnumerable<string> arguments, string workingDirectory, TimeSpan timeout)
    {
        var start = new ProcessStartInfo(file)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        var stderr = process.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
        var stdout = process.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
        if (!process.WaitForExit(timeout))
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail($"{file} {string.Join(' ', arguments)} did not finish within {timeout}");
        }

        process.WaitForExit();
        return (process.ExitCode, stdout.Result + stderr.Result);
    }
}
