using FitCluster.EndToEnd.Tests.Infrastructure;
using FitCluster.Model.Tests;

namespace FitCluster.EndToEnd.Tests;

/// <summary>TLS switched on with certificate files that are not there: the silo refuses to start, naming every problem.</summary>
[Collection(ClusterOperationsGroup.Name)]
[Trait("Category", "EndToEnd")]
public sealed class TlsConfigurationTests
{
    private static readonly TimeSpan s_exitTimeout = TimeSpan.FromSeconds(60);

    private static string ArtifactRoot(TempDirectory folder)
    {
        var root = folder.Combine("artifacts");
        ClusterFixture.WriteArtifacts(root);
        return root;
    }

    [Fact]
    public async Task Silo_TlsFilesMissingOrUnreadable_ExitsWithCode2ListingEveryProblem()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        using var folder = new TempDirectory();
        var notACertificate = folder.Combine("not-a-certificate.pem");
        await File.WriteAllTextAsync(notACertificate, "this is not PEM", cancellationToken);
        var missingKey = folder.Combine("missing.key");
        var layout = RepositoryLayout.Find();
        await using var silo = ChildProcess.Start("silo", RepositoryLayout.DotnetHost,
        [
            layout.SiloDll,
            "--Urls=http://127.0.0.1:0",
            // Valid ranking options, so that the cluster options' problems are the ones reported.
            $"--Ranking:ArtifactRoot={ArtifactRoot(folder)}",
            "--Cluster:ListenAddress=not-an-address",
            "--Cluster:Tls:Enabled=true",
            $"--Cluster:Tls:CertificatePath={notACertificate}",
            $"--Cluster:Tls:KeyPath={missingKey}",
        ]);

        var code = await silo.Exited.WaitAsync(s_exitTimeout, cancellationToken);

        var tail = silo.Tail();
        Assert.True(code == 2, $"exit code {code}{Environment.NewLine}{tail}");
        Assert.Contains($"Cluster:Tls:KeyPath '{missingKey}' does not exist.", tail, StringComparison.Ordinal);
        Assert.Contains("Cluster:Tls:CaCertificatePath is required when Cluster:Tls:Enabled is true.", tail, StringComparison.Ordinal);
        Assert.Contains("Cluster:ListenAddress 'not-an-address' is not an IP address.", tail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Silo_TlsCertificateUnreadable_ExitsWithCode2NamingIt()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        using var folder = new TempDirectory();
        using var certificates = TestCertificates.Create(folder.Combine("certs"));
        var notACertificate = folder.Combine("not-a-certificate.pfx");
        await File.WriteAllTextAsync(notACertificate, "this is not PKCS#12", cancellationToken);
        await using var silo = ChildProcess.Start("silo", RepositoryLayout.DotnetHost,
        [
            RepositoryLayout.Find().SiloDll,
            "--Urls=http://127.0.0.1:0",
            // Valid ranking options, so that the cluster options' problems are the ones reported.
            $"--Ranking:ArtifactRoot={ArtifactRoot(folder)}",
            "--Cluster:Tls:Enabled=true",
            $"--Cluster:Tls:CertificatePath={notACertificate}",
            $"--Cluster:Tls:CaCertificatePath={certificates.CaCertificatePath}",
        ]);

        var code = await silo.Exited.WaitAsync(s_exitTimeout, cancellationToken);

        var tail = silo.Tail();
        Assert.True(code == 2, $"exit code {code}{Environment.NewLine}{tail}");
        Assert.Contains($"Cluster:Tls:CertificatePath '{notACertificate}' could not be loaded as PFX", tail, StringComparison.Ordinal);
    }
}
