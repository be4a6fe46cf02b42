namespace FitCluster.Client.Security;

/// <summary>
/// Mutual TLS for the cluster's own connections (silo-to-silo and client-to-silo), with the certificates read from
/// files: a PEM certificate and key, or a PKCS#12 (PFX) file with its password. Bound from <c>Cluster:Tls</c> on a silo
/// and <c>Gateway:Tls</c> on the gateway. Off by default.
/// </summary>
public sealed class TlsFileOptions
{
    /// <summary>Whether the cluster connections use TLS; every silo and client of one cluster must agree. Default false.</summary>
    public bool Enabled { get; set; }

    /// <summary>
    /// This process's certificate: a PEM file (with <see cref="KeyPath"/>) or a PKCS#12/PFX file (without it). It must
    /// allow both TLS server and client authentication (a silo accepts and opens connections; both ends present one).
    /// </summary>
    public string? CertificatePath { get; set; }

    /// <summary>The PEM private key of <see cref="CertificatePath"/>; leave empty when that is a PFX file.</summary>
    public string? KeyPath { get; set; }

    /// <summary>The password of a PFX <see cref="CertificatePath"/>; empty when it has none.</summary>
    public string? CertificatePassword { get; set; }

    /// <summary>
    /// The certificate authority (PEM, one or more certificates, or DER) that every peer's certificate must chain to;
    /// the only trust anchor (the system store is not used). Required when <see cref="Enabled"/>.
    /// </summary>
    public string? CaCertificatePath { get; set; }
}
