using System.Net;
using Chat.Server.Scaleout;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.Extensions.Options;

namespace Chat.Server.Abuse;

public static class AbuseExtensions
{
    /// <summary>
    /// Abuse resistance: client address through trusted proxies, kept only as a keyed hash; per-address limits; blocks;
    /// origin check on the hubs. The rule: with <c>ConnectionStrings:Redis</c> set, the hash keys, blocks and counts are in
    /// Redis (shared by every node); otherwise in process.
    /// </summary>
    public static IServiceCollection AddAbuseResistance(this IServiceCollection services, IConfiguration config)
    {
        services.AddOptions<AbuseOptions>().BindConfiguration(AbuseOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<SecurityOptions>().BindConfiguration(SecurityOptions.Section)
            .Validate(o => o.AllowedOrigins.All(IsOrigin), "Security:AllowedOrigins: each entry is an origin such as https://www.example.org (no path).")
            .ValidateOnStart();
        services.AddOptions<NetworkOptions>().BindConfiguration(NetworkOptions.Section)
            .Validate(o => o.TrustedProxies.All(p => IPAddress.TryParse(p, out _) || System.Net.IPNetwork.TryParse(p, out _)),
                "Network:TrustedProxies: each entry is an IP address or a CIDR range such as 10.0.0.0/8.")
            .ValidateOnStart();
        services.AddSingleton<IConfigureOptions<ForwardedHeadersOptions>, ConfigureForwardedHeaders>();
        services.AddSingleton<AddressHasher>();
        services.AddSingleton<RefusalLog>();
        if (!string.IsNullOrWhiteSpace(config.GetConnectionString("Redis")))
        {
            services.AddSingleton<IAddressKeys, RedisAddressKeys>();
            services.AddSingleton<IAbuseStore, RedisAbuseStore>();
        }
        else
        {
            services.AddSingleton<IAddressKeys, InMemoryAddressKeys>();
            services.AddSingleton<IAbuseStore, InMemoryAbuseStore>();
        }
        return services;
    }

    /// <summary>After <c>UseForwardedHeaders</c> (first in the pipeline): the client address's keyed hash on the request.</summary>
    public static IApplicationBuilder UseClientAddress(this IApplicationBuilder app) => app.UseMiddleware<ClientAddressMiddleware>();

    public static IApplicationBuilder UseHubGate(this IApplicationBuilder app) => app.UseMiddleware<HubGate>();

    /// <summary>The sign-in limit for all nodes together (after routing and the per-node rate limiter).</summary>
    public static IApplicationBuilder UseSharedSignInLimit(this IApplicationBuilder app) => app.UseMiddleware<SharedSignInLimit>();

    private static bool IsOrigin(string o) =>
        Uri.TryCreate(o, UriKind.Absolute, out var u) && u.Scheme is "http" or "https"
        && string.Equals(u.GetLeftPart(UriPartial.Authority), o.TrimEnd('/'), StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// Only the configured proxies are believed, and with none configured nobody's header is read. (ASP.NET Core's
    /// middleware treats empty KnownProxies and KnownIPNetworks as "check nothing": every client's own X-Forwarded-For
    /// would then be believed, the left-most address winning. So an empty list must switch the headers off, not clear
    /// the lists.) X-Forwarded-Host, X-Forwarded-Prefix and Forwarded are never read.
    /// </summary>
    private sealed class ConfigureForwardedHeaders(IOptions<NetworkOptions> network) : IConfigureOptions<ForwardedHeadersOptions>
    {
        public void Configure(ForwardedHeadersOptions o)
        {
            o.KnownProxies.Clear();
            o.KnownIPNetworks.Clear();
            o.ForwardedHeaders = network.Value.TrustedProxies.Length == 0
                ? ForwardedHeaders.None
                : ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto;
            // Walk X-Forwarded-For from the right while the hop is a trusted proxy: the first other address is the client's
            // (an address the client wrote itself at the left is never believed).
            o.ForwardLimit = null;
            foreach (var p in network.Value.TrustedProxies)
            {
                if (IPAddress.TryParse(p, out var ip)) o.KnownProxies.Add(ip);
                else o.KnownIPNetworks.Add(System.Net.IPNetwork.Parse(p));
            }
        }
    }
}
