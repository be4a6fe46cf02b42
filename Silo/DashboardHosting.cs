using System.Net;
using FitCluster.Client.Gateway;
using Microsoft.AspNetCore.Authentication;
using Orleans.Dashboard;

namespace FitCluster.Silo;

/// <summary>
/// The Orleans Dashboard (<c>Microsoft.Orleans.Dashboard</c>) behind <c>Cluster:Dashboard:Enabled</c>, on the silo's own
/// web host under <see cref="DashboardHostingOptions.Path"/>. It shows cluster internals, so a gate in front of its
/// routes serves loopback callers only; remote ones get 404 unless <see cref="DashboardHostingOptions.AllowRemote"/> is
/// set, and then they need the admin token (a browser cannot send a bearer header itself: an authenticating reverse
/// proxy adds it). The gate, not the bind address, decides: the web host may well listen on every interface for probes.
/// </summary>
public static partial class DashboardHosting
{
    /// <summary>Adds the dashboard's grains and telemetry to the silo when <paramref name="dashboard"/> is enabled.</summary>
    public static ISiloBuilder AddDashboardIfEnabled(this ISiloBuilder silo, DashboardHostingOptions dashboard)
    {
        ArgumentNullException.ThrowIfNull(silo);
        ArgumentNullException.ThrowIfNull(dashboard);
        if (dashboard.Enabled)
        {
            silo.AddDashboard(o => o.CounterUpdateIntervalMs = dashboard.CounterUpdateIntervalMs);
        }

        return silo;
    }

    /// <summary>
    /// Adds what the gate needs when the dashboard is enabled and remote callers are allowed: the admin bearer scheme
    /// (already there when the silo serves the HTTP API).
    /// </summary>
    public static WebApplicationBuilder AddSiloDashboard(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var dashboard = OptionsOf(builder.Configuration);
        if (dashboard.Enabled && dashboard.AllowRemote && !builder.Services.Any(d => d.ServiceType == typeof(AdminTokens)))
        {
            builder.AddAdminAuthentication();
        }

        return builder;
    }

    /// <summary>Maps the dashboard under its path, behind the loopback gate, when it is enabled; logs where it is.</summary>
    public static WebApplication MapSiloDashboard(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var dashboard = OptionsOf(app.Configuration);
        if (!dashboard.Enabled)
        {
            return app;
        }

        var path = new PathString(dashboard.Path.TrimEnd('/'));
        app.Use(async (context, next) =>
        {
            if (!context.Request.Path.StartsWithSegments(path))
            {
                await next(context);
                return;
            }

            switch (Decide(context.Connection.RemoteIpAddress, dashboard.AllowRemote))
            {
                case DashboardAccess.Serve:
                    await next(context);
                    break;
                case DashboardAccess.RequireAdmin:
                    var result = await context.AuthenticateAsync(AdminAuthentication.SchemeName);
                    if (result.Succeeded)
                    {
                        await next(context);
                    }
                    else
                    {
                        await context.ChallengeAsync(AdminAuthentication.SchemeName);
                    }

                    break;
                default:
                    context.Response.StatusCode = StatusCodes.Status404NotFound;
                    break;
            }
        });
        app.MapOrleansDashboard(routePrefix: path.Value);
        LogDashboard(app.Logger, path.Value!, dashboard.AllowRemote ? "loopback callers, and remote ones with the admin token" : "loopback callers only");
        return app;
    }

    /// <summary>
    /// The gate's decision for a caller at <paramref name="remote"/>: loopback (IPv4 127/8, <c>::1</c>, IPv4-mapped
    /// loopback) and local sockets (no address) are served; others get 404, or need the admin token when <paramref name="allowRemote"/>.
    /// </summary>
    public static DashboardAccess Decide(IPAddress? remote, bool allowRemote)
    {
        if (remote is null)
        {
            return DashboardAccess.Serve;
        }

        if (remote.IsIPv4MappedToIPv6)
        {
            remote = remote.MapToIPv4();
        }

        if (IPAddress.IsLoopback(remote))
        {
            return DashboardAccess.Serve;
        }

        return allowRemote ? DashboardAccess.RequireAdmin : DashboardAccess.NotFound;
    }

    private static DashboardHostingOptions OptionsOf(IConfiguration configuration) =>
        configuration.GetSection($"{ClusterHostingOptions.SectionName}:{nameof(ClusterHostingOptions.Dashboard)}").Get<DashboardHostingOptions>() ?? new DashboardHostingOptions();

    [LoggerMessage(EventId = 1200, Level = LogLevel.Information, Message = "Orleans Dashboard on this silo's URLs under {Path}/ for {Who}")]
    private static partial void LogDashboard(ILogger logger, string path, string who);
}
