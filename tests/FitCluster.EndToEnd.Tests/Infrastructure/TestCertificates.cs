using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace FitCluster.EndToEnd.Tests.Infrastructure;

/// <summary>
/// A throw-away certificate authority and certificates it issued (or not), written as files the way a Kubernetes
/// Secret would mount them: PEM certificate and key, or a password-protected PFX.
/// </summary>
public sealed class TestCertificates : IDisposable
{
    /// <summary>The password of every PFX file written here.</summary>
    public const string PfxPassword = "fitcluster-test";

    private static readonly TimeSpan s_lifetime = TimeSpan.FromDays(2);
    private readonly string _folder;
    private readonly X509Certificate2 _authority;

    private TestCertificates(string folder, X509Certificate2 authority, string caPath)
    {
        _folder = folder;
        _authority = authority;
        CaCertificatePath = caPath;
    }

    /// <summary>The CA certificate (PEM).</summary>
    public string CaCertificatePath { get; }

    /// <summary>Creates a CA (ECDSA P-256, self-signed) in <paramref name="folder"/>; its certificate goes to <c>ca.pem</c>.</summary>
    public static TestCertificates Create(string folder, string name = "fitcluster-test-ca")
    {
        Directory.CreateDirectory(folder);
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={name}", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        var now = DateTimeOffset.UtcNow;
        var authority = request.CreateSelfSigned(now.AddMinutes(-5), now.Add(s_lifetime));
        var caPath = Path.Combine(folder, $"{name}.pem");
        File.WriteAllText(caPath, authority.ExportCertificatePem());
        return new TestCertificates(folder, authority, caPath);
    }

    /// <summary>Issues a leaf certificate for TLS server and client authentication (a silo or a client); writes <c>NAME.pem</c> and <c>NAME.key</c>.</summary>
    public (string CertificatePath, string KeyPath) IssuePem(string name)
    {
        using var certificate = Issue(name);
        var certificatePath = Path.Combine(_folder, $"{name}.pem");
        var keyPath = Path.Combine(_folder, $"{name}.key");
        File.WriteAllText(certificatePath, certificate.ExportCertificatePem());
        File.WriteAllText(keyPath, certificate.GetECDsaPrivateKey()!.ExportPkcs8PrivateKeyPem());
        return (certificatePath, keyPath);
    }

    /// <summary>As <see cref="IssuePem"/>, written as <c>NAME.pfx</c> protected by <see cref="PfxPassword"/>.</summary>
    public string IssuePfx(string name)
    {
        using var certificate = Issue(name);
        var path = Path.Combine(_folder, $"{name}.pfx");
        File.WriteAllBytes(path, certificate.Export(X509ContentType.Pkcs12, PfxPassword));
        return path;
    }

    /// <inheritdoc />
    public void Dispose() => _authority.Dispose();

    private X509Certificate2 Issue(string name)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={name}", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, false));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension(
            [new Oid("1.3.6.1.5.5.7.3.1"), new Oid("1.3.6.1.5.5.7.3.2")], false)); // server and client authentication
        var names = new SubjectAlternativeNameBuilder();
        names.AddDnsName(name);
        names.AddIpAddress(System.Net.IPAddress.Loopback);
        request.CertificateExtensions.Add(names.Build());
        var now = DateTimeOffset.UtcNow;
        var serial = new byte[16];
        RandomNumberGenerator.Fill(serial);
        serial[0] &= 0x7F;
        using var issued = request.Create(_authority, now.AddMinutes(-5), now.Add(s_lifetime), serial);
        return issued.CopyWithPrivateKey(key);
    }
}
