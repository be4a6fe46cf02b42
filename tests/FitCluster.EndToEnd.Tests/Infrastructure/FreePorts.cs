using System.Net;
using System.Net.Sockets;

namespace FitCluster.EndToEnd.Tests.Infrastructure;

/// <summary>Free loopback TCP ports, chosen by the operating system.</summary>
public static class FreePorts
{
    /// <summary>
    /// <paramref name="count"/> distinct ports that were free a moment ago: each is bound to port 0 and all are held
    /// until the last is chosen, so none repeats; another program could still take one before the child binds it.
    /// </summary>
    public static int[] Take(int count)
    {
        var listeners = new List<TcpListener>(count);
        try
        {
            for (var i = 0; i < count; i++)
            {
                var listener = new TcpListener(IPAddress.Loopback, 0);
                listener.Start();
                listeners.Add(listener);
            }

            return [.. listeners.Select(l => ((IPEndPoint)l.LocalEndpoint).Port)];
        }
        finally
        {
            foreach (var listener in listeners)
            {
                listener.Stop();
            }
        }
    }
}
