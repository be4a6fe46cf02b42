using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using FitCluster.Grains.Interfaces;

namespace FitCluster.Client.Api;

/// <summary>
/// Typed .NET client of the gateway's HTTP API. Thread-safe; give it a long-lived <see cref="HttpClient"/> (from
/// IHttpClientFactory in a service) whose BaseAddress is the gateway.
/// </summary>
public sealed class FitClusterHttpClient(HttpClient http)
{
    /// <summary>JSON settings of the API: snake_case names.</summary>
    public static JsonSerializerOptions Json { get; } = new(JsonSerializerDefaults.Web) { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    /// <summary>Ranks candidates; throws <see cref="FitClusterApiException"/> with the gateway's explanation on 4xx/5xx.</summary>
    public async Task<RankResponseBody> RankAsync(RankRequestBody request, CancellationToken cancellationToken = default)
    {
        using var response = await http.PostAsJsonAsync("v1/rank", request, Json, cancellationToken);
        await ThrowOnErrorAsync(response, cancellationToken);
        return (await response.Content.ReadFromJsonAsync<RankResponseBody>(Json, cancellationToken))!;
    }

    /// <summary>The active model version and the versions the cluster can serve.</summary>
    public async Task<ModelCatalog> GetModelsAsync(CancellationToken cancellationToken = default)
    {
        using var response = await http.GetAsync(new Uri("v1/models", UriKind.Relative), cancellationToken);
        await ThrowOnErrorAsync(response, cancellationToken);
        return (await response.Content.ReadFromJsonAsync<ModelCatalog>(Json, cancellationToken))!;
    }

    /// <summary>
    /// The admin token sent by <see cref="ActivateAsync(string, CancellationToken)"/> (and future state-changing calls)
    /// as <c>Authorization: Bearer</c>; null to send none. Set once, when the client is made.
    /// </summary>
    public string? AdminToken { get; init; }

    /// <summary>
    /// Activates a model version (rollout) with <see cref="AdminToken"/>; throws <see cref="FitClusterApiException"/>
    /// with the server's problem on 401 (no or a wrong token), 403 (admin disabled on the server) and other errors.
    /// </summary>
    public Task<ModelCatalog> ActivateAsync(string modelVersion, CancellationToken cancellationToken = default) =>
        ActivateAsync(modelVersion, AdminToken, cancellationToken);

    /// <summary>Activates a model version (rollout) with <paramref name="adminToken"/> as the bearer credential.</summary>
    public async Task<ModelCatalog> ActivateAsync(string modelVersion, string? adminToken, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(modelVersion);
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri($"v1/models/{Uri.EscapeDataString(modelVersion)}/activate", UriKind.Relative));
        if (!string.IsNullOrEmpty(adminToken))
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", adminToken);
        }

        using var response = await http.SendAsync(request, cancellationToken);
        await ThrowOnErrorAsync(response, cancellationToken);
        return (await response.Content.ReadFromJsonAsync<ModelCatalog>(Json, cancellationToken))!;
    }

    private static async Task ThrowOnErrorAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        if (!response.IsSuccessStatusCode)
        {
            var body = await response.Content.ReadAsStringAsync(cancellationToken);
            throw new FitClusterApiException((int)response.StatusCode, body);
        }
    }
}
