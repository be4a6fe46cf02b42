using System.Net;

namespace FitCluster.Silo;

/// <summary>What the dashboard's gate does with one request (see <see cref="DashboardHosting"/>).</summary>
public enum DashboardAccess
{
    /// <summary>A loopback (or local socket) caller: served.</summary>
    Serve,

    /// <summary>A remote caller while <see cref="DashboardHostingOptions.AllowRemote"/> is off: 404, as if there were no dashboard.</summary>
    NotFound,

    /// <summary>A remote caller with <see cref="DashboardHostingOptions.AllowRemote"/> on: served with the admin token only.</summary>
    RequireAdmin,
}
