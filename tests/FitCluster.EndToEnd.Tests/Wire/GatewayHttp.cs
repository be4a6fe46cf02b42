using System.Net.Http.Json;
using System.Text;

namespace FitCluster.EndToEnd.Tests.Wire;

/// <summary>Calls of the gateway's HTTP API, as a client makes them.</summary>
public static class GatewayHttp
{
    private static readonly Uri s_rank = new("v1/rank", UriKind.Relative);

    /// <summary><c>POST /v1/rank</c> with <paramref name="body"/> in snake_case JSON.</summary>
    public static Task<HttpResponseMessage> RankAsync(this HttpClient http, RankBody body, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(http);
        return http.PostAsJsonAsync(s_rank, body, WireJson.Options, cancellationToken);
    }

    /// <summary><c>POST /v1/rank</c> with a raw body, for JSON a well-behaved client would never send.</summary>
    public static Task<HttpResponseMessage> RankRawAsync(this HttpClient http, string body, CancellationToken cancellationToken, string mediaType = "application/json")
    {
        ArgumentNullException.ThrowIfNull(http);
        return http.PostAsync(s_rank, new StringContent(body, Encoding.UTF8, mediaType), cancellationToken);
    }

    /// <summary><c>POST /v1/rank</c> with raw bytes as the body (JSON that is not even valid UTF-8).</summary>
    public static Task<HttpResponseMessage> RankBytesAsync(this HttpClient http, byte[] body, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(http);
        var content = new ByteArrayContent(body);
        content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };
        return http.PostAsync(s_rank, content, cancellationToken);
    }

    /// <summary>Reads the body as <typeparamref name="T"/>, failing with the status and raw body when it is not <paramref name="expected"/>.</summary>
    public static async Task<T> ReadAsync<T>(this HttpResponseMessage response, System.Net.HttpStatusCode expected, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(response);
        var text = await response.Content.ReadAsStringAsync(cancellationToken);
        Assert.True(response.StatusCode == expected, $"Expected HTTP {(int)expected} from {response.RequestMessage?.Method} {response.RequestMessage?.RequestUri}, got {(int)response.StatusCode}: {text}");
        return System.Text.Json.JsonSerializer.Deserialize<T>(text, WireJson.Options)
            ?? throw new InvalidOperationException($"The body is JSON null: {text}");
    }
}
