using System.Net;
using System.Text.Json;
using FitCluster.Client.Security;
using Microsoft.Extensions.Options;
using Orleans.Configuration;

namespace FitCluster.Client.Gateway;

/// <summary>Wires the gateway: options, the Orleans client, JSON, OpenAPI and problem details.</summary>
public static class GatewayHostingExtensions
{
    /// <summary>How much longer than <see cref="GatewayOptions.RequestTimeout"/> the gateway's Orleans client waits for any response.</summary>
    public static readonly TimeSpan ResponseTimeoutMargin = TimeSpan.FromSeconds(1);

    /// <summary>Adds the gateway's services to a web application builder: the HTTP API and an Orleans client of the cluster.</summary>
    public static WebApplicationBuilder AddFitClusterGateway(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var options = builder.Configuration.GetSection(GatewayOptions.SectionName).Get<GatewayOptions>() ?? new GatewayOptions();
        builder.AddFitClusterHttpApi();
        builder.UseOrleansClient(client =>
        {
            // A call to a silo that died mid-request is abandoned at the request's deadline; nothing waits Orleans'
            // default 30 s for an answer that cannot come.
            client.Configure<ClientMessagingOptions>(o => o.ResponseTimeout = options.RequestTimeout + ResponseTimeoutMargin);
            client.Configure<Orleans.Configuration.GatewayOptions>(o => o.GatewayListRefreshPeriod = options.GatewayListRefreshPeriod > TimeSpan.Zero
                ? options.GatewayListRefreshPeriod
                : TimeSpan.FromSeconds(5)); // an invalid value is reported by the options validator, which stops the gateway
            client.Configure<ClusterOptions>(o =>
            {
                o.ClusterId = options.ClusterId;
                o.ServiceId = options.ServiceId;
            });
            if (options.Clustering == "redis")
            {
                client.UseRedisClustering(o => o.ConfigurationOptions = StackExchange.Redis.ConfigurationOptions.Parse(options.RedisConnectionString!));
            }
            else if (options.Clustering == AzureStorageConnection.ClusteringName
                && AzureStorageConnection.Problems(nameof(options.AzureStorageConnectionString), options.AzureStorageConnectionString).Count == 0)
            {
                // The silos' membership table (Azure Tables) lists their gateways. With an unusable connection string
                // (Orleans would build its client before the options validator runs, and crash) the static stand-in
                // below is used instead, and the validator stops the gateway with every problem listed.
                client.UseAzureStorageClustering(o => o.TableServiceClient = AzureStorageConnection.Client(options.AzureStorageConnectionString!));
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
                context.ProblemDetails.Detail = MalformedRequestHandler.Describe(bad);
            }
        });
        // A body the endpoint cannot read is the client's mistake: its 4xx, and a rate-limited warning without stack trace.
        builder.Services.AddExceptionHandler<MalformedRequestHandler>();
        builder.AddAdminAuthentication();
        builder.Services.AddOpenApi(o =>
        {
            o.AddDocumentTransformer<AdminOpenApiTransformer>();
            o.AddOperationTransformer<AdminOpenApiTransformer>();
        });
        builder.Services.AddHealthChecks();
        return builder;
    }

    /// <summary>Maps the API (admin endpoints behind the admin token), the OpenAPI document (<c>/openapi/v1.json</c>) and <c>/health</c>.</summary>
    public static WebApplication MapFitClusterGateway(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.UseExceptionHandler(new ExceptionHandlerOptions
        {
            StatusCodeSelector = e => e is BadHttpRequestException bad ? bad.StatusCode : StatusCodes.Status500InternalServerError,
            // Malformed requests are logged by MalformedRequestHandler (a throttled warning); real 500s stay errors.
            SuppressDiagnosticsCallback = c => c.Exception is BadHttpRequestException,
        });
        app.UseStatusCodePages();
        // Read the tokens at start (after the options were validated), and log whether admin is enabled.
        app.Lifetime.ApplicationStarted.Register(() => app.Services.GetRequiredService<AdminTokens>());
        app.UseAuthentication();
        app.UseAuthorization();
        app.MapOpenApi();
        app.MapHealthChecks("/health");
        app.MapRankingApi();
        app.MapUsersApi();
        app.MapItemsApi();
        return app;
    }
}
