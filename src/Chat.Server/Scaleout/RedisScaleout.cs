using System.Text.Json;
using Chat.Server.Conversations;
using Chat.Server.Live;
using Microsoft.AspNetCore.DataProtection.Repositories;
using Microsoft.Extensions.Options;
using StackExchange.Redis;
using System.Xml.Linq;

namespace Chat.Server.Scaleout;

public static class RedisScaleoutExtensions
{
    /// <summary>Redis mode: live state, connection counts and event delivery shared by every node.</summary>
    public static IServiceCollection AddRedisScaleout(this IServiceCollection services, string connectionString)
    {
        services.AddOptions<RedisOptions>().BindConfiguration(RedisOptions.Section);
        services.AddSingleton(sp => new RedisConnection(connectionString, sp.GetRequiredService<ILogger<RedisConnection>>()));
        services.AddSingleton<NodeIdentity>();
        services.AddSingleton<ILiveStore, RedisLiveStore>();
        services.AddSingleton<IConnectionTracker, RedisConnectionTracker>();
        services.AddSingleton<RedisFanout>();
        services.AddSingleton<IEventFanout>(sp => sp.GetRequiredService<RedisFanout>());
        services.AddHostedService(sp => sp.GetRequiredService<RedisFanout>());
        services.AddHostedService<NodeHeartbeat>();
        // Sign-in cookies must be readable on every node: the data-protection keys live in Redis too.
        services.AddSingleton<IConfigureOptions<Microsoft.AspNetCore.DataProtection.KeyManagement.KeyManagementOptions>>(sp =>
            new ConfigureOptions<Microsoft.AspNetCore.DataProtection.KeyManagement.KeyManagementOptions>(o =>
                o.XmlRepository = new RedisXmlRepository(sp.GetRequiredService<RedisConnection>(),
                    sp.GetRequiredService<IOptions<RedisOptions>>().Value.KeyPrefix + "dataprotection")));
        return services;
    }
}

/// <summary>
/// Delivers events to every node: published on one Redis channel, and each node hands them to its own
/// connections. A message pub/sub loses (a node briefly cut off) is recovered by the client: it resumes from
/// the message log by sequence number after a reconnect or when it sees a gap.
/// </summary>
public sealed class RedisFanout(RedisConnection redis, LocalFanout local, IOptions<RedisOptions> options, ILogger<RedisFanout> logger)
    : IEventFanout, IHostedService
{
    private readonly string _channel = options.Value.KeyPrefix + "events";

    private sealed record Wire(IReadOnlyList<Target> T, string M, JsonElement P);

    public async Task SendAsync(HubEvent e)
    {
        var payload = JsonSerializer.SerializeToElement(e.Payload, e.Payload.GetType(), LocalFanout.Json);
        await redis.Subscriber.PublishAsync(_channel, JsonSerializer.Serialize(new Wire(e.Targets, e.Method, payload), LocalFanout.Json));
    }

    public Task StartAsync(CancellationToken cancellationToken) =>
        redis.Subscriber.SubscribeAsync(_channel, (channel, message) => { _ = DeliverAsync(message); });

    private async Task DeliverAsync(RedisValue message)
    {
        try
        {
            var w = JsonSerializer.Deserialize<Wire>((string)message!, LocalFanout.Json)!;
            await local.Deliver(w.T, w.M, w.P);
        }
        catch (Exception ex)
        {
            logger.LogError("Could not deliver an event from Redis ({Error})", ex.GetType().Name);
        }
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        try { await redis.Subscriber.UnsubscribeAsync(_channel); }
        catch (Exception ex) when (ex is RedisException or TimeoutException or ObjectDisposedException) { /* shutting down */ }
    }
}

/// <summary>Data-protection keys in a Redis list, so a cookie issued by one node is valid on the others.</summary>
public sealed class RedisXmlRepository(RedisConnection redis, string key) : IXmlRepository
{
    public IReadOnlyCollection<XElement> GetAllElements() =>
        redis.Db.ListRange(key).Select(v => XElement.Parse((string)v!)).ToList();

    public void StoreElement(XElement element, string friendlyName) =>
        redis.Db.ListRightPush(key, element.ToString(SaveOptions.DisableFormatting));
}
