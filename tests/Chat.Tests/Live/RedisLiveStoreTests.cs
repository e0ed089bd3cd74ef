using Chat.Server.Conversations;
using Chat.Server.Live;
using Chat.Server.Scaleout;
using Chat.Tests.Infrastructure;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Chat.Tests.Live;

[Collection(RedisCollection.Name)]
public sealed class RedisLiveStoreTests : LiveStoreContract, IDisposable
{
    private readonly RedisConnection _connection;

    public RedisLiveStoreTests(RedisServer redis)
    {
        _connection = new RedisConnection(redis.ConnectionString, NullLogger<RedisConnection>.Instance);
        Store = Create(_connection);
    }

    // Each test gets its own key prefix on the shared server.
    internal static RedisLiveStore Create(RedisConnection connection, string? prefix = null) => new(connection,
        Options.Create(new RedisOptions { KeyPrefix = prefix ?? $"t{Guid.NewGuid():n}:" }),
        new StaticOptions<ChatOptions>(new ChatOptions()), NullLogger<RedisLiveStore>.Instance);

    protected override ILiveStore Store { get; }

    public void Dispose() => _connection.Dispose();
}

internal sealed class StaticOptions<T>(T value) : IOptionsMonitor<T>
{
    public T CurrentValue => value;
    public T Get(string? name) => value;
    public IDisposable? OnChange(Action<T, string?> listener) => null;
}

[Collection(RedisCollection.Name)]
public sealed class RedisDurabilityTests(RedisServer redis)
{
    [Fact]
    public async Task QueueOrderAndConversationsSurviveARedisKillAndRestart()
    {
        var prefix = $"d{Guid.NewGuid():n}:";
        var t0 = DateTimeOffset.UtcNow;
        using (var connection = new RedisConnection(redis.ConnectionString, NullLogger<RedisConnection>.Instance))
        {
            var store = RedisLiveStoreTests.Create(connection, prefix);
            await store.UpsertPresenceAsync(new ExpertPresence
            {
                ExpertId = "e1", DisplayName = "Sanne", Experience = "victim", MaxChats = 1, Availability = "available",
                Connected = true, ChangedAt = t0,
            });
            foreach (var (id, s) in new[] { ("x", 3), ("y", 1), ("z", 2) })
                await store.AddQueuedAsync(new ChatSession
                {
                    SessionId = id, ConversationId = "c-" + id, ResumeTokenHash = "h-" + id,
                    Visitor = new VisitorProfile("unspecified", "any", null, null, "nl"), RequestedAt = t0.AddSeconds(s),
                });
            await store.TryAssignAsync("y", "e1", t0.AddSeconds(5));
            await store.AppendAsync("c-y", "visitor", "m1", "acknowledged before the crash", t0.AddSeconds(6));
        }

        await redis.KillAsync(); // kill -9: only what AOF (appendfsync always) wrote survives
        await redis.StartAsync();

        using var again = new RedisConnection(redis.ConnectionString, NullLogger<RedisConnection>.Instance);
        var restored = RedisLiveStoreTests.Create(again, prefix);
        Assert.Equal(["z", "x"], (await restored.GetQueueAsync()).Select(s => s.SessionId));
        var active = await restored.FindByConversationAsync("c-y");
        Assert.Equal(ChatState.Active, active!.State);
        Assert.Equal("e1", active.ExpertId);
        var messages = await restored.GetMessagesAsync("c-y", 0);
        Assert.Equal("acknowledged before the crash", Assert.Single(messages).Text);
        Assert.Equal(["y"], (await restored.GetPresenceAsync("e1"))!.ActiveChats);
    }
}
