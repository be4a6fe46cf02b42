using System.Net;
using FitCluster.Client.Gateway;
using FitCluster.Client.Security;
using FitCluster.Grains;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;
using Orleans.Configuration;
using Orleans.Versions.Compatibility;
using Orleans.Versions.Selector;

namespace FitCluster.Silo;

/// <summary>Wires the Orleans silo: clustering, grain storage, telemetry and health checks, from configuration.</summary>
public static class SiloHostingExtensions
{
    /// <summary>Configures Orleans from the <c>Cluster</c> section (localhost by default, Redis or Azure Storage for multi-node).</summary>
    public static WebApplicationBuilder AddFitClusterSilo(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var hosting = builder.Configuration.GetSection(ClusterHostingOptions.SectionName).Get<ClusterHostingOptions>() ?? new ClusterHostingOptions();
        builder.Services.AddOptions<ClusterHostingOptions>().BindConfiguration(ClusterHostingOptions.SectionName).ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<ClusterHostingOptions>, ClusterHostingOptionsValidator>();
        builder.UseOrleans(silo =>
        {
            silo.Configure<ClusterOptions>(o =>
            {
                o.ClusterId = hosting.ClusterId;
                o.ServiceId = hosting.ServiceId;
            });
            switch (hosting.Clustering.ToLowerInvariant())
            {
                case "redis":
                    ConfigureAdvertisedEndpoints(silo, hosting);
                    silo.UseRedisClustering(o => o.ConfigurationOptions = StackExchange.Redis.ConfigurationOptions.Parse(hosting.RedisConnectionString!));
                    silo.AddRedisGrainStorage(RankingServiceCollectionExtensions.StorageName,
                        o => o.ConfigurationOptions = StackExchange.Redis.ConfigurationOptions.Parse(hosting.RedisConnectionString!));
                    break;
                case AzureStorageConnection.ClusteringName when AzureStorageConnection.Problems(nameof(hosting.AzureStorageConnectionString), hosting.AzureStorageConnectionString).Count == 0:
                    ConfigureAdvertisedEndpoints(silo, hosting);
                    silo.UseAzureStorage(hosting);
                    break;
                case AzureStorageConnection.ClusteringName:
                    // A missing or malformed connection string: Orleans would build its Azure clients while the host
                    // resolves its services, before the options validator runs, and crash. Inert stand-ins instead; the
                    // validator then stops the silo with every problem listed (exit code 2) before anything listens.
                    silo.UseLocalhostClustering(hosting.SiloPort, hosting.GatewayPort);
                    silo.AddMemoryGrainStorage(RankingServiceCollectionExtensions.StorageName);
                    break;
                default:
                    silo.UseLocalhostClustering(hosting.SiloPort, hosting.GatewayPort, new IPEndPoint(IPAddress.Loopback, hosting.PrimarySiloPort));
                    silo.AddEmbeddedGrainStorage(hosting, builder.Configuration[$"{RankingOptions.SectionName}:{nameof(RankingOptions.ArtifactRoot)}"]);
                    break;
            }

            if (IPAddress.TryParse(hosting.ListenAddress, out var listen))
            {
                silo.Configure<EndpointOptions>(o =>
                {
                    o.SiloListeningEndpoint = new IPEndPoint(listen, o.SiloPort);
                    o.GatewayListeningEndpoint = new IPEndPoint(listen, o.GatewayPort);
                });
            }

            // UseTls reads the certificates at once. With unusable files it is left out: the options validator (which
            // runs before any listener opens) then stops the silo with every problem listed, so it never serves plain TCP.
            if (hosting.Tls.Enabled && ClusterTls.Problems(ClusterHostingOptions.SectionName + ":Tls", hosting.Tls).Count == 0)
            {
                silo.UseTls(tls => ClusterTls.Configure(tls, hosting.Tls));
            }

            silo.Configure<GrainVersioningOptions>(ConfigureVersioning);
            silo.AddDashboardIfEnabled(hosting.Dashboard);
        });
        builder.Services.AddOpenTelemetryMetricsIfConfigured(builder.Configuration);
        return builder;
    }

    // Multi-node clustering (redis, azure): the listeners bind the advertised address (or Cluster:ListenAddress), never
    // every interface implicitly. An unparsable address is reported by the options validator before the silo starts.
    private static void ConfigureAdvertisedEndpoints(ISiloBuilder silo, ClusterHostingOptions hosting) =>
        silo.ConfigureEndpoints(
            IPAddress.TryParse(hosting.AdvertisedAddress, out var advertised) ? advertised : IPAddress.Loopback,
            hosting.SiloPort, hosting.GatewayPort, listenOnAnyHostAddress: false);

    /// <summary>
    /// Rolling upgrades (docs/architecture.md): a grain interface's <c>[Version]</c> only grows, and a newer version keeps
    /// every method of the older ones, so a newer activation serves older callers (<see cref="BackwardCompatible"/>).
    /// New activations go to any silo compatible with the caller's version (<see cref="AllCompatibleVersions"/>): calls
    /// made by old code spread over old and new silos during a rollout, calls made by new code only reach new silos.
    /// </summary>
    public static void ConfigureVersioning(GrainVersioningOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.DefaultCompatibilityStrategy = nameof(BackwardCompatible);
        options.DefaultVersionSelectorStrategy = nameof(AllCompatibleVersions);
    }

    /// <summary>Liveness (the process answers) and readiness (the active model version is warm), and the warm-up itself.</summary>
    public static IServiceCollection AddSiloHealthChecks(this IServiceCollection services)
    {
        services.AddSingleton<ModelWarmupService>();
        services.AddHostedService(provider => provider.GetRequiredService<ModelWarmupService>());
        services.AddHealthChecks()
            .AddCheck("live", () => HealthCheckResult.Healthy(), tags: ["live"])
            .AddCheck<ModelStoreHealthCheck>("models", tags: ["ready"]);
        return services;
    }

    /// <summary>
    /// <c>/health/ready</c>'s answer per status: only Healthy is ready; Degraded (warming up) and Unhealthy are 503, so a
    /// load balancer or Kubernetes sends nothing to a silo that is still warming.
    /// </summary>
    public static IReadOnlyDictionary<HealthStatus, int> ReadinessStatusCodes { get; } = new Dictionary<HealthStatus, int>
    {
        [HealthStatus.Healthy] = StatusCodes.Status200OK,
        [HealthStatus.Degraded] = StatusCodes.Status503ServiceUnavailable,
        [HealthStatus.Unhealthy] = StatusCodes.Status503ServiceUnavailable,
    };

    /// <summary>Maps <c>/health/live</c> and <c>/health/ready</c>.</summary>
    public static WebApplication MapSiloHealthChecks(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.MapHealthChecks("/health/live", new Microsoft.AspNetCore.Diagnostics.HealthChecks.HealthCheckOptions { Predicate = c => c.Tags.Contains("live") });
        app.MapHealthChecks("/health/ready", new Microsoft.AspNetCore.Diagnostics.HealthChecks.HealthCheckOptions
        {
            Predicate = c => c.Tags.Contains("ready"),
            ResultStatusCodes = new Dictionary<HealthStatus, int>(ReadinessStatusCodes),
        });
        return app;
    }

    /// <summary>
    /// Adds the gateway's HTTP API to the silo when <c>Cluster:HttpApi</c> is on (the default). Its request limits are
    /// the silo's <c>Ranking</c> limits and request timeout, so one process never has two sets.
    /// </summary>
    public static WebApplicationBuilder AddSiloHttpApi(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        if (!ServesHttpApi(builder.Configuration))
        {
            return builder;
        }

        builder.AddFitClusterHttpApi();
        builder.Services.AddOptions<FitCluster.Client.Gateway.GatewayOptions>().PostConfigure<IOptions<RankingOptions>>((gateway, ranking) =>
        {
            gateway.MaxCandidates = ranking.Value.MaxCandidates;
            gateway.MaxK = ranking.Value.MaxK;
            gateway.MaxBehaviours = ranking.Value.MaxBehaviours;
            gateway.RequestTimeout = ranking.Value.RequestTimeout;
        });
        return builder;
    }

    /// <summary>Maps <c>POST /v1/rank</c>, <c>GET /v1/models</c>, <c>POST /v1/models/{version}/activate</c> and the OpenAPI document when the silo serves them.</summary>
    public static WebApplication MapSiloHttpApi(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        return ServesHttpApi(app.Configuration) ? app.MapFitClusterGateway() : app;
    }

    private static bool ServesHttpApi(IConfiguration configuration) =>
        configuration.GetValue($"{ClusterHostingOptions.SectionName}:{nameof(ClusterHostingOptions.HttpApi)}", true);

    // The FitCluster.Ranking meter and activity source (and Orleans' own meter) always record; they are exported over
    // OTLP when the standard OTEL_EXPORTER_OTLP_ENDPOINT is set, and can be read live with dotnet-counters otherwise.
    private static IServiceCollection AddOpenTelemetryMetricsIfConfigured(this IServiceCollection services, ConfigurationManager configuration)
    {
        if (string.IsNullOrEmpty(configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]))
        {
            return services;
        }

        services.AddOpenTelemetry()
            .ConfigureResource(r => r.AddService("fitcluster-silo"))
            .WithMetrics(m => m.AddMeter(RankingMetrics.Name, "Microsoft.Orleans").AddOtlpExporter())
            .WithTracing(t => t.AddSource(RankingMetrics.Name).AddOtlpExporter());
        return services;
    }
}
