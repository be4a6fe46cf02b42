using System.Net.Sockets;
using System.Text;
using FitCluster.EndToEnd.Tests.Infrastructure;
using FitCluster.Model.Tests;

namespace FitCluster.EndToEnd.Tests;

/// <summary>The quick Docker check that decides whether the Testcontainers test runs or is skipped.</summary>
public sealed class DockerProbeTests
{
    [Fact]
    public async Task ProblemAsync_EngineAnswersPing_None()
    {
        using var folder = new TempDirectory();
        var path = folder.Combine("docker.sock");
        using var engine = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        engine.Bind(new UnixDomainSocketEndPoint(path));
        engine.Listen();
        var answered = AnswerPingAsync(engine, TestContext.Current.CancellationToken);

        var problem = await DockerProbe.ProblemAsync("unix://" + path, [], TestContext.Current.CancellationToken);

        Assert.Null(problem);
        await answered;
    }

    [Fact]
    public async Task ProblemAsync_NoSocket_SaysWhereItLooked()
    {
        var problem = await DockerProbe.ProblemAsync(null, ["/nonexistent/docker.sock"], TestContext.Current.CancellationToken);

        Assert.Equal("DOCKER_HOST is not set and there is no Docker socket at /nonexistent/docker.sock", problem);
    }

    [Fact]
    public async Task ProblemAsync_SocketWithoutEngine_SaysNoEngineAnswered()
    {
        using var folder = new TempDirectory();
        var path = folder.Combine("docker.sock");
        using var stale = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        stale.Bind(new UnixDomainSocketEndPoint(path)); // the socket file exists but nobody listens: a stopped engine

        var problem = await DockerProbe.ProblemAsync(null, [path], TestContext.Current.CancellationToken);

        Assert.StartsWith($"no Docker engine answered at unix://{path}", problem, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ProblemAsync_UnsupportedScheme_Says()
    {
        var problem = await DockerProbe.ProblemAsync("npipe:////./pipe/docker_engine", [], TestContext.Current.CancellationToken);

        Assert.Equal("DOCKER_HOST 'npipe:////./pipe/docker_engine' is neither unix:// nor tcp://", problem);
    }

    private static async Task AnswerPingAsync(Socket engine, CancellationToken cancellationToken)
    {
        using var connection = await engine.AcceptAsync(cancellationToken);
        var buffer = new byte[4096];
        var request = new StringBuilder();
        while (!request.ToString().Contains("\r\n\r\n", StringComparison.Ordinal))
        {
            var read = await connection.ReceiveAsync(buffer, cancellationToken);
            if (read == 0)
            {
                break;
            }

            request.Append(Encoding.ASCII.GetString(buffer, 0, read));
        }

        Assert.StartsWith("GET /_ping HTTP/1.1", request.ToString(), StringComparison.Ordinal);
        await connection.SendAsync("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 2\r\nConnection: close\r\n\r\nOK"u8.ToArray(), cancellationToken);
    }
}
