using System.Net;

namespace Chat.Server.Operations;

/// <summary>Settings of <c>/metrics</c> (section <c>Metrics</c>).</summary>
public sealed class MetricsOptions
{
    public const string Section = "Metrics";

    /// <summary>
    /// The networks (CIDR) whose callers may read <c>/metrics</c>; everyone else gets 404. Default: loopback only. Behind a
    /// trusted proxy the caller is the client the proxy names, so the public never reaches it through the load balancer.
    /// Empty (the default): loopback only. (Not a default array: the configuration binder would add to it, not replace it.)
    /// </summary>
    public string[] AllowedNetworks { get; set; } = [];

    /// <summary>How long the gauges' reading of the live store is reused (a scrape costs the store at most this often).</summary>
    public TimeSpan SnapshotInterval { get; set; } = TimeSpan.FromSeconds(5);

    private static readonly string[] Loopback = ["127.0.0.0/8", "::1/128"];

    internal IPNetwork[] Networks() => (AllowedNetworks.Length == 0 ? Loopback : AllowedNetworks).Select(IPNetwork.Parse).ToArray();
}
