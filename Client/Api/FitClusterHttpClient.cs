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
    /// The admin token sent by <see cref="ActivateAsync(string, CancellationToken)"/> and the user calls
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
        using var request = AdminRequest(HttpMethod.Post, new Uri($"v1/models/{Uri.EscapeDataString(modelVersion)}/activate", UriKind.Relative), adminToken);
        return await SendAsync<ModelCatalog>(request, cancellationToken);
    }

    /// <summary>
    /// Sets a user's profile features (replacing them) with <see cref="AdminToken"/>; throws
    /// <see cref="FitClusterApiException"/> on 400 (the problem lists every refused feature; nothing changed), 401 and 403.
    /// </summary>
    public async Task<UserWriteResponseBody> SetUserProfileAsync(string userId, UserProfileBody profile, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(userId);
        using var request = AdminRequest(HttpMethod.Put, UserUri(userId, string.Empty), AdminToken);
        request.Content = JsonContent.Create(profile, options: Json);
        return await SendAsync<UserWriteResponseBody>(request, cancellationToken);
    }

    /// <summary>
    /// Appends a user's behaviour events (oldest first) with <see cref="AdminToken"/>. Resending events is harmless (they
    /// are idempotent by event id). Throws <see cref="FitClusterApiException"/> on 400 — the problem names each refused
    /// event, and the others were stored — and on 401 and 403.
    /// </summary>
    public async Task<UserWriteResponseBody> AppendUserEventsAsync(string userId, IEnumerable<UserEventBody> events, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(userId);
        using var request = AdminRequest(HttpMethod.Post, UserUri(userId, "/events"), AdminToken);
        request.Content = JsonContent.Create(new { Events = events }, options: Json);
        return await SendAsync<UserWriteResponseBody>(request, cancellationToken);
    }

    /// <summary>A user's stored profile and events, with <see cref="AdminToken"/>; 404 (<c>unknown_user</c>) when nothing is stored.</summary>
    public async Task<UserResponseBody> GetUserAsync(string userId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(userId);
        using var request = AdminRequest(HttpMethod.Get, UserUri(userId, string.Empty), AdminToken);
        return await SendAsync<UserResponseBody>(request, cancellationToken);
    }

    /// <summary>
    /// Upserts a batch of items (at most 5,000) with <see cref="AdminToken"/>; they are rankable when this returns. Throws
    /// <see cref="FitClusterApiException"/> on 400 (the problem names each refused item; the others were stored), 503
    /// (some item was not stored: resending is safe), 401 and 403.
    /// </summary>
    public async Task<ItemWriteResponseBody> UpsertItemsAsync(IEnumerable<ItemBody> items, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(items);
        using var request = AdminRequest(HttpMethod.Put, new Uri("v1/items", UriKind.Relative), AdminToken);
        request.Content = JsonContent.Create(new { Items = items }, options: Json);
        return await SendAsync<ItemWriteResponseBody>(request, cancellationToken);
    }

    /// <summary>Deletes an item with <see cref="AdminToken"/>; 404 (<c>unknown_item</c>) when no version or write knows it.</summary>
    public async Task<ItemWriteResponseBody> DeleteItemAsync(string itemId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(itemId);
        using var request = AdminRequest(HttpMethod.Delete, ItemUri(itemId), AdminToken);
        return await SendAsync<ItemWriteResponseBody>(request, cancellationToken);
    }

    /// <summary>The last write of an item since export, with <see cref="AdminToken"/>; 404 (<c>unknown_item</c>) when there is none.</summary>
    public async Task<ItemResponseBody> GetItemAsync(string itemId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(itemId);
        using var request = AdminRequest(HttpMethod.Get, ItemUri(itemId), AdminToken);
        return await SendAsync<ItemResponseBody>(request, cancellationToken);
    }

    private static Uri ItemUri(string itemId) => new($"v1/items/{Uri.EscapeDataString(itemId)}", UriKind.Relative);

    private static Uri UserUri(string userId, string suffix) => new($"v1/users/{Uri.EscapeDataString(userId)}{suffix}", UriKind.Relative);

    private static HttpRequestMessage AdminRequest(HttpMethod method, Uri uri, string? adminToken)
    {
        var request = new HttpRequestMessage(method, uri);
        if (!string.IsNullOrEmpty(adminToken))
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", adminToken);
        }

        return request;
    }

    private async Task<T> SendAsync<T>(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        using var response = await http.SendAsync(request, cancellationToken);
        await ThrowOnErrorAsync(response, cancellationToken);
        return (await response.Content.ReadFromJsonAsync<T>(Json, cancellationToken))!;
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
