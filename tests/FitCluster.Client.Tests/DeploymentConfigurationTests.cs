using System.Text.Json;
using System.Text.RegularExpressions;
using FitCluster.Client.Gateway;
using FitCluster.Grains;
using FitCluster.Silo;

namespace FitCluster.Client.Tests;

/// <summary>Configuration keys in the k8s manifests and appsettings files name real options (a typo would be ignored silently).</summary>
public sealed partial class DeploymentConfigurationTests
{
    private static readonly Dictionary<string, Type> s_sections = new(StringComparer.Ordinal)
    {
        [ClusterHostingOptions.SectionName] = typeof(ClusterHostingOptions),
        [RankingOptions.SectionName] = typeof(RankingOptions),
        [InferenceServiceOptions.SectionName] = typeof(InferenceServiceOptions),
        [GatewayOptions.SectionName] = typeof(GatewayOptions),
        [AdminOptions.SectionName] = typeof(AdminOptions),
    };

    [Fact]
    public void KubernetesManifests_SetOnlyExistingOptions()
    {
        var root = RepositoryRoot();
        var files = Directory.GetFiles(Path.Combine(root, "k8s"), "*.yaml", SearchOption.AllDirectories);
        Assert.NotEmpty(files);
        var keys = 0;
        foreach (var file in files)
        {
            foreach (Match match in EnvironmentKey().Matches(File.ReadAllText(file)))
            {
                AssertOption(match.Groups[1].Value, match.Groups[2].Value, file);
                keys++;
            }
        }

        Assert.True(keys >= 10, $"only {keys} configuration keys found in k8s/");
    }

    [Fact]
    public void KubernetesManifests_SpinLimitIsOneTheRuntimeHonours()
    {
        var values = Directory.GetFiles(Path.Combine(RepositoryRoot(), "k8s"), "*.yaml", SearchOption.AllDirectories)
            .SelectMany(file => SpinSetting().Matches(File.ReadAllText(file)).Select(match => (file, match.Groups[1].Value)))
            .ToList();

        Assert.NotEmpty(values); // the production overlay runs the latency profile
        foreach (var (file, value) in values)
        {
            var (spins, source) = ThreadPoolSpin.Resolve(value, null);
            Assert.True(source.Contains("hexadecimal", StringComparison.Ordinal), $"{file}: {value} is {source}");
            Assert.Equal(ThreadPoolSpin.Resolve(ThreadPoolSpin.LowLatencyValue, null).Spins, spins);
        }
    }

    [Theory]
    [InlineData("k8s/base/silo-deployment.yaml")]
    [InlineData("k8s/base/gateway-deployment.yaml")]
    public void KubernetesManifests_AdminTokenComesFromTheSecret(string file)
    {
        var text = File.ReadAllText(Path.Combine(RepositoryRoot(), file));

        var reference = Assert.Single(SecretReference().Matches(text));
        Assert.Equal(AdminOptions.EnvironmentVariable, reference.Groups["variable"].Value);
        Assert.Equal("fitcluster-admin", reference.Groups["secret"].Value);
        Assert.Equal("token", reference.Groups["key"].Value);
    }

    [Fact]
    public void KubernetesManifests_NoAdminTokenValueInTheRepository()
    {
        foreach (var file in Directory.GetFiles(Path.Combine(RepositoryRoot(), "k8s"), "*.yaml", SearchOption.AllDirectories))
        {
            var text = File.ReadAllText(file);
            Assert.DoesNotContain($"{AdminOptions.EnvironmentVariable}=", text, StringComparison.Ordinal);
            Assert.DoesNotMatch(@"name:\s*FITCLUSTER_ADMIN_TOKEN\s*\n\s*value:", text);
            Assert.DoesNotMatch(@"\bAdmin__Tokens", text);
            Assert.DoesNotMatch(@"kind:\s*Secret\b", text);
        }
    }

    [Theory]
    [InlineData("fitcluster-silo", "k8s/base/silo-deployment.yaml")]
    [InlineData("fitcluster-gateway", "k8s/base/gateway-deployment.yaml")]
    public void ProductionOverlay_RequiresTheAdminSecret(string deployment, string file)
    {
        var root = RepositoryRoot();
        // The env entries of the base container, in order: the overlay's patch addresses them by index.
        var env = EnvName().Matches(File.ReadAllText(Path.Combine(root, file))).Select(m => m.Groups[1].Value).ToList();
        var overlay = File.ReadAllText(Path.Combine(root, "k8s/overlays/prod/kustomization.yaml"));

        var patch = overlay[overlay.IndexOf($"name: {deployment} }}", StringComparison.Ordinal)..];
        var match = OptionalPatch().Match(patch);
        Assert.True(match.Success, $"the prod overlay does not make {deployment}'s admin Secret required");
        Assert.Equal(AdminOptions.EnvironmentVariable, env[int.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture)]);
    }

    [Theory]
    [InlineData("Silo/appsettings.json")]
    [InlineData("Client/appsettings.json")]
    public void AppSettings_ListOnlyExistingOptions(string file)
    {
        using var document = JsonDocument.Parse(File.ReadAllText(Path.Combine(RepositoryRoot(), file)));
        foreach (var section in document.RootElement.EnumerateObject().Where(s => s_sections.ContainsKey(s.Name)))
        {
            var type = s_sections[section.Name];
            var listed = section.Value.EnumerateObject().Select(p => p.Name).ToHashSet(StringComparer.Ordinal);
            foreach (var name in listed)
            {
                AssertOption(section.Name, name, file);
            }

            // Every option is listed with its default, so operators see them all (nested ones, such as Tls, too).
            var settable = type.GetProperties().Where(p => p.CanWrite).Select(p => p.Name);
            Assert.Empty(settable.Except(listed));
            foreach (var nested in section.Value.EnumerateObject().Where(p => p.Value.ValueKind == JsonValueKind.Object))
            {
                var nestedType = type.GetProperty(nested.Name)!.PropertyType;
                var nestedListed = nested.Value.EnumerateObject().Select(p => p.Name).ToHashSet(StringComparer.Ordinal);
                foreach (var name in nestedListed)
                {
                    AssertOption(section.Name, $"{nested.Name}__{name}", file);
                }

                Assert.Empty(nestedType.GetProperties().Where(p => p.CanWrite).Select(p => p.Name).Except(nestedListed));
            }
        }
    }

    // A nested option (Cluster__Tls__Enabled) is walked down its path: Tls on ClusterHostingOptions, then Enabled on its type.
    private static void AssertOption(string section, string key, string file)
    {
        Assert.True(s_sections.TryGetValue(section, out var type), $"{file}: unknown configuration section '{section}'");
        foreach (var part in key.Split("__"))
        {
            var property = type.GetProperty(part);
            Assert.True(property is { CanWrite: true }, $"{file}: {section}:{key.Replace("__", ":", StringComparison.Ordinal)} is not an option ({part} is not one of {type.Name})");
            type = property!.PropertyType;
        }
    }

    internal static string RepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "FitCluster.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException($"No FitCluster.sln above {AppContext.BaseDirectory}.");
    }

    [GeneratedRegex(@"\bDOTNET_ThreadPool_UnfairSemaphoreSpinLimit=(\S+)")]
    private static partial Regex SpinSetting();

    [GeneratedRegex(@"\b(Cluster|Ranking|Inference|Gateway|Admin)__(\w+)")]
    private static partial Regex EnvironmentKey();

    [GeneratedRegex(@"- name: (?<variable>\w+)\s*\n\s*valueFrom:\s*\n\s*secretKeyRef: \{ name: (?<secret>[\w-]+), key: (?<key>[\w-]+)")]
    private static partial Regex SecretReference();

    [GeneratedRegex(@"^            - name: (\w+)", RegexOptions.Multiline)]
    private static partial Regex EnvName();

    [GeneratedRegex(@"path: /spec/template/spec/containers/0/env/(\d+)/valueFrom/secretKeyRef/optional, value: false")]
    private static partial Regex OptionalPatch();
}
