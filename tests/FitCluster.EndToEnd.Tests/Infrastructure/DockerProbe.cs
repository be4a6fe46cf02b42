using System.Net.Sockets;

namespace FitCluster.EndToEnd.Tests.Infrastructure;

/// <summary>Says quickly whether a Docker engine answers, before Testcontainers would spend its own longer timeouts finding out.</summary>
public static class DockerProbe
{
    private static readonly TimeSpan s_pingTimeout = TimeSpan.FromSeconds(3);

    /// <summary>Null when <c>GET /_ping</c> on the engine (DOCKER_HOST, else the standard sockets) answers OK; else why not.</summary>
    public static Task<string?> ProblemAsync(CancellationToken cancellationToken = default)
    {
        string[] sockets = ["/var/run/docker.sock", Path.Combine(Environment.GetEnvironmentVariable("XDG_RUNTIME_DIR") ?? "/nonexistent", "docker.sock")];
        return ProblemAsync(Environment.GetEnvironmentVariable("DOCKER_HOST"), sockets, cancellationToken);
    }

    /// <summary>As <see cref="ProblemAsync(CancellationToken)"/>, with the engine given (<c>unix://PATH</c>, <c>tcp://HOST:PORT</c>) or else looked for at <paramref name="sockets"/>.</summary>
    public static async Task<string?> ProblemAsync(string? endpoint, IReadOnlyList<string> sockets, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(sockets);
        if (string.IsNullOrEmpty(endpoint))
        {
            var socket = sockets.FirstOrDefault(File.Exists);
            if (socket is null)
            {
                return $"DOCKER_HOST is not set and there is no Docker socket at {string.Join(" or ", sockets)}";
            }

            endpoint = "unix://" + socket;
        }

        if (!Uri.TryCreate(endpoint, UriKind.Absolute, out var uri) || uri.Scheme is not ("unix" or "tcp" or "http" or "https"))
        {
            return $"DOCKER_HOST '{endpoint}' is neither unix:// nor tcp://";
        }

        using var handler = new SocketsHttpHandler();
        Uri ping;
        if (uri.Scheme == "unix")
        {
            var path = uri.AbsolutePath;
            handler.ConnectCallback = async (_, token) =>
            {
                var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
                try
                {
                    await socket.ConnectAsync(new UnixDomainSocketEndPoint(path), token);
                    return new NetworkStream(socket, ownsSocket: true);
                }
                catch
                {
                    socket.Dispose();
                    throw;
                }
            };
            ping = new Uri("http://docker/_ping");
        }
        else
        {
            var scheme = uri.Scheme == "tcp" ? (Environment.GetEnvironmentVariable("DOCKER_TLS_VERIFY") is { Length: > 0 } ? "https" : "http") : uri.Scheme;
            ping = new UriBuilder(scheme, uri.Host, uri.Port, "/_ping").Uri;
        }

        using var http = new HttpClient(handler) { Timeout = s_pingTimeout };
        try
        {
            using var response = await http.GetAsync(ping, cancellationToken);
            return response.IsSuccessStatusCode ? null : $"the Docker engine at {endpoint} answered /_ping with HTTP {(int)response.StatusCode}";
        }
        catch (HttpRequestException e)
        {
            return $"no Docker engine answered at {endpoint}: {e.Message}";
        }
        catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return $"the Docker engine at {endpoint} did not answer /_ping within {s_pingTimeout.TotalSeconds:F0} s";
        }
    }
}
