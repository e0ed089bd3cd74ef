using Chat.Server.Live;
using Chat.Server.Scaleout;
using Chat.Tests.Infrastructure;
using Chat.Tests.Live;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Chat.Tests.Scaleout;

/// <summary>
/// Two nodes, each with its connection tracker and store, on one Redis: an expert's console closes on node 1 while
/// another opens on node 2. Whatever order their calls reach Redis in, the expert ends up connected.
/// </summary>
[Collection(RedisCollection.Name)]
public sealed class ExpertDisconnectRaceTests(RedisServer redis) : IDisposable
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 30, 19, 0, 0, TimeSpan.Zero);
    private readonly RedisConnection _connection = new(redis.ConnectionString, NullLogger<RedisConnection>.Instance);

    private static ExpertPresence Account(string id) => new() { ExpertId = id, DisplayName = "Sanne", Experience = "victim", MaxChats = 2 };

    [Fact]
    public async Task ALateDisconnectFromOneNodeDoesNotDisconnectAConsoleThatOpenedOnAnother()
    {
        var prefix = $"race{Guid.NewGuid():n}:";
        var options = Options.Create(new RedisOptions { KeyPrefix = prefix });
        var clock = new ManualClock(T0);
        var (tracker1, tracker2) = (new RedisConnectionTracker(_connection, new NodeIdentity(), options, clock),
            new RedisConnectionTracker(_connection, new NodeIdentity(), options, clock));
        var (store1, store2) = (RedisLiveStoreTests.Create(_connection, prefix), RedisLiveStoreTests.Create(_connection, prefix));

        await tracker1.ExpertConnectedAsync("e");
        await store1.ConnectExpertAsync(Account("e"), T0);
        // Node 1: the tracker says the expert's last console closed ...
        Assert.True(await tracker1.ExpertDisconnectedAsync("e"));
        // ... node 2: a console opens (the tab moved, or the load balancer sent the reconnect there) ...
        await tracker2.ExpertConnectedAsync("e");
        await store2.ConnectExpertAsync(Account("e"), T0.AddSeconds(1));
        // ... and node 1's disconnect reaches the store only now.
        var late = await store1.DisconnectExpertAsync("e", T0.AddSeconds(2));

        Assert.Null(late.After);
        Assert.True((await store2.GetPresenceAsync("e"))!.Connected);

        // When node 2's console closes too, the expert is disconnected.
        Assert.True(await tracker2.ExpertDisconnectedAsync("e"));
        Assert.False((await store2.DisconnectExpertAsync("e", T0.AddSeconds(3))).After!.Connected);
    }

    public void Dispose() => _connection.Dispose();
}
