using System.Net;
using System.Text.Json;
using FitCluster.Client.Security;
using Microsoft.Extensions.Options;
using Orleans.Configuration;

namespace FitCluster.Client.Gateway;

/// <summary>Wires the gateway: options, the Orleans client, JSON, OpenAPI and problem details.</summary>
public static class GatewayHostingExtensions
{
    /// <summary>Adds the gateway's services to a web application builder: the HTTP API and an Orleans client of the cluster.</summary>
    public static WebApplicationBuilder AddFitClusterGateway(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var options = builder.Configuration.GetSection(GatewayOptions.SectionName).Get<GatewayOptions>() ?? new GatewayOptions();
        builder.AddFitClusterHttpApi();
        builder.UseOrleansClient(client =>
        {
            client.Configure<ClusterOptions>(o =>
            {
                o.ClusterId = options.ClusterId;
                o.ServiceId = options.ServiceId;
            });
            if (options.Clustering == "redis")
            {
                client.UseRedisClustering(o => o.ConfigurationOptions = StackExchange.Redis.ConfigurationOptions.Parse(options.RedisConnectionString!));
            }
            else
            {
                client.UseStaticClustering(new IPEndPoint(IPAddress.Loopback, options.GatewayPort));
            }

            // UseTls reads the certificates at once. With unusable files it is left out: the options validator (which
            // runs before the cluster client connects) then stops the gateway with every problem listed.
            if (options.Tls.Enabled && ClusterTls.Problems(GatewayOptions.SectionName + ":Tls", options.Tls).Count == 0)
            {
                client.UseTls(tls => ClusterTls.Configure(tls, options.Tls));
            }
        });
        return builder;
    }

    /// <summary>
    /// Adds the HTTP API's services (options, JSON, problem details, OpenAPI) without a cluster client: for a host that
    /// already has an <see cref="IGrainFactory"/>, such as a silo serving the API itself (no client hop).
    /// </summary>
    public static WebApplicationBuilder AddFitClusterHttpApi(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddOptions<GatewayOptions>().BindConfiguration(GatewayOptions.SectionName).ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<GatewayOptions>, GatewayOptionsValidator>();
        builder.Services.ConfigureHttpJsonOptions(o => o.SerializerOptions.PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower);
        // Malformed JSON (including NaN, which JSON does not have) reaches the client as a 400 that says what is wrong.
        builder.Services.Configure<Microsoft.AspNetCore.Routing.RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
        builder.Services.AddProblemDetails(o => o.CustomizeProblemDetails = context =>
        {
            if (context.Exception is BadHttpRequestException bad)
            {
                context.ProblemDetails.Status = bad.StatusCode;
                context.ProblemDetails.Type = "https://tools.ietf.org/html/rfc9110#section-15.5.1";
                context.ProblemDetails.Title = "The request body is not valid JSON for this endpoint.";
                context.ProblemDetails.Detail = bad.InnerException is { } inner ? $"{bad.Message} {inner.Message}" : bad.Message;
            }
        });
        builder.Services.AddOpenApi();
        builder.Services.AddHealthChecks();
        return builder;
    }

    /// <summary>Maps the API, the OpenAPI document (<c>/openapi/v1.json</c>) and <c>/health</c>.</summary>
    public static WebApplication MapFitClusterGateway(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.UseExceptionHandler(new ExceptionHandlerOptions
        {
            StatusCodeSelector = e => e is BadHttpRequestException bad ? bad.StatusCode : StatusCodes.Status500InternalServerError,
        });
        app.UseStatusCodePages();
        app.MapOpenApi();
        app.MapHealthChecks("/health");
        app.MapRankingApi();
        return app;
    }
}
