using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using FitCluster.Client.Api;

namespace FitCluster.Client.Tests.Infrastructure;

/// <summary>Requests to an <see cref="ApiHost"/> with the admin token (or another, or none), and typed reading of the answers.</summary>
public static class ApiCalls
{
    /// <summary>Sends <paramref name="method"/> <paramref name="path"/> with a JSON body (or none) and the bearer <paramref name="token"/>.</summary>
    public static async Task<HttpResponseMessage> SendAsync(ApiHost host, string method, string path, string? json, string? token = ApiHost.Token)
    {
        ArgumentNullException.ThrowIfNull(host);
        using var request = new HttpRequestMessage(new HttpMethod(method), new Uri(path, UriKind.Relative));
        if (json is not null)
        {
            request.Content = new StringContent(json, Encoding.UTF8, "application/json");
        }

        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        return await host.Http.SendAsync(request, TestContext.Current.CancellationToken);
    }

    /// <summary>The body as <typeparamref name="T"/>, after checking the status (the body is in the failure message).</summary>
    public static async Task<T> ReadAsync<T>(HttpResponseMessage response, HttpStatusCode expected)
    {
        ArgumentNullException.ThrowIfNull(response);
        var text = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        Assert.True(response.StatusCode == expected, $"expected {(int)expected}, got {(int)response.StatusCode}: {text}");
        return JsonSerializer.Deserialize<T>(text, FitClusterHttpClient.Json)!;
    }
}
