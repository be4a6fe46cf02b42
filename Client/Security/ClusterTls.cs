using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Orleans.Connections.Security;

namespace FitCluster.Client.Security;

/// <summary>
/// Loads <see cref="TlsFileOptions"/> certificates and applies them to Orleans' <see cref="TlsOptions"/>: both ends
/// present a certificate, and a peer is accepted when its certificate chains to the configured CA (names are not
/// checked: silos are addressed by IP and every holder of a CA-issued certificate is a member of the cluster).
/// </summary>
public static class ClusterTls
{
    /// <summary>Every problem with <paramref name="options"/> (files missing, unreadable or unusable), each naming its key under <paramref name="section"/>.</summary>
    public static IReadOnlyList<string> Problems(string section, TlsFileOptions? options)
    {
        var problems = new List<string>();
        if (options is not { Enabled: true })
        {
            return problems;
        }

        var files = true;
        foreach (var (key, path, required) in new[]
        {
            ("CertificatePath", options.CertificatePath, true),
            ("KeyPath", options.KeyPath, false),
            ("CaCertificatePath", options.CaCertificatePath, true),
        })
        {
            if (string.IsNullOrWhiteSpace(path))
            {
                if (required)
                {
                    problems.Add($"{section}:{key} is required when {section}:Enabled is true.");
                    files = false;
                }
            }
            else if (!File.Exists(path))
            {
                problems.Add($"{section}:{key} '{path}' does not exist.");
                files = false;
            }
        }

        if (!files)
        {
            return problems;
        }

        try
        {
            using var certificate = LoadCertificate(options);
            if (!certificate.HasPrivateKey)
            {
                problems.Add($"{section}:CertificatePath '{options.CertificatePath}' has no private key (give {section}:KeyPath, or a PFX file that holds it).");
            }

            if (certificate.NotAfter.ToUniversalTime() < DateTime.UtcNow)
            {
                problems.Add($"{section}:CertificatePath '{options.CertificatePath}' expired on {certificate.NotAfter.ToUniversalTime():u}.");
            }
        }
        catch (Exception e) when (e is CryptographicException or IOException or UnauthorizedAccessException or ArgumentException)
        {
            var key = string.IsNullOrWhiteSpace(options.KeyPath) ? " as PFX" : $" with {section}:KeyPath '{options.KeyPath}'";
            problems.Add($"{section}:CertificatePath '{options.CertificatePath}' could not be loaded{key}: {e.Message}");
        }

        try
        {
            var authorities = LoadAuthorities(options.CaCertificatePath!);
            foreach (var authority in authorities)
            {
                authority.Dispose();
            }
        }
        catch (Exception e) when (e is CryptographicException or IOException or UnauthorizedAccessException or ArgumentException)
        {
            problems.Add($"{section}:CaCertificatePath '{options.CaCertificatePath}' could not be loaded: {e.Message}");
        }

        return problems;
    }

    /// <summary>Sets <paramref name="tls"/> up for mutual TLS with the certificates of <paramref name="options"/> (which must be valid: see <see cref="Problems"/>).</summary>
    public static void Configure(TlsOptions tls, TlsFileOptions options)
    {
        ArgumentNullException.ThrowIfNull(tls);
        ArgumentNullException.ThrowIfNull(options);
        var authorities = LoadAuthorities(options.CaCertificatePath!);
        tls.LocalCertificate = LoadCertificate(options);
        tls.RemoteCertificateMode = RemoteCertificateMode.RequireCertificate;
        tls.ClientCertificateMode = RemoteCertificateMode.RequireCertificate;
        tls.CheckCertificateRevocation = false;
        tls.RemoteCertificateValidation = (certificate, chain, _) => ChainsTo(certificate, chain, authorities);
    }

    /// <summary>Whether <paramref name="certificate"/> chains to one of <paramref name="authorities"/> (and is in its validity period).</summary>
    public static bool ChainsTo(X509Certificate2? certificate, X509Chain? presented, X509Certificate2Collection authorities)
    {
        ArgumentNullException.ThrowIfNull(authorities);
        if (certificate is null)
        {
            return false;
        }

        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(authorities);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        if (presented is not null)
        {
            foreach (var element in presented.ChainElements)
            {
                chain.ChainPolicy.ExtraStore.Add(element.Certificate);
            }
        }

        return chain.Build(certificate);
    }

    private static X509Certificate2 LoadCertificate(TlsFileOptions options) =>
        string.IsNullOrWhiteSpace(options.KeyPath)
            ? X509CertificateLoader.LoadPkcs12FromFile(options.CertificatePath!, string.IsNullOrEmpty(options.CertificatePassword) ? null : options.CertificatePassword)
            : X509Certificate2.CreateFromPemFile(options.CertificatePath!, options.KeyPath);

    private static X509Certificate2Collection LoadAuthorities(string path)
    {
        var authorities = new X509Certificate2Collection();
        var text = File.ReadAllText(path);
        if (text.Contains("-----BEGIN CERTIFICATE-----", StringComparison.Ordinal))
        {
            authorities.ImportFromPem(text);
        }
        else
        {
            authorities.Add(X509CertificateLoader.LoadCertificateFromFile(path));
        }

        if (authorities.Count == 0)
        {
            throw new CryptographicException("The file holds no certificate.");
        }

        return authorities;
    }
}
