using Chat.Server.Abuse;
using Chat.Server.Scaleout;
using Chat.Tests.Infrastructure;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Chat.Tests.Attacks;

/// <summary>What both abuse stores keep, the same way (in process and Redis).</summary>
public abstract class AbuseStoreContract
{
    protected abstract IAbuseStore Store { get; }
    private static readonly DateTimeOffset T0 = DateTimeOffset.UtcNow;

    private static Block Block(string id, string hash, TimeSpan length) => new(id, hash, T0, T0 + length, "prank", "Sanne");

    [Fact]
    public async Task SeveralBlocksOnOneAddressEachHoldUntilTheirOwnEndOrLift()
    {
        await Store.AddBlockAsync(Block("b1", "H", TimeSpan.FromHours(24)));
        await Store.AddBlockAsync(Block("b2", "H", TimeSpan.FromHours(1)));
        Assert.True(await Store.IsBlockedAsync(["other", "H"], T0, ["default"]));
        Assert.True(await Store.IsBlockedAsync(["H"], T0.AddHours(2), ["default"])); // b2 over, b1 still holds
        Assert.True(await Store.RemoveBlockAsync("b1"));
        Assert.True(await Store.IsBlockedAsync(["H"], T0, ["default"])); // b2 still holds
        Assert.False(await Store.RemoveBlockAsync("b1"));
        Assert.True(await Store.RemoveBlockAsync("b2"));
        Assert.False(await Store.IsBlockedAsync(["H"], T0, ["default"]));
        Assert.Empty(await Store.BlocksAsync(T0));
    }

    [Fact]
    public async Task ABlockHoldsInItsOwnProjectOnly()
    {
        await Store.AddBlockAsync(Block("w1", "H", TimeSpan.FromHours(1)) with { Project = "west" });
        Assert.True(await Store.IsBlockedAsync(["H"], T0, ["west"]));
        Assert.True(await Store.IsBlockedAsync(["H"], T0, ["default", "west"])); // a start with an overflow to west
        Assert.False(await Store.IsBlockedAsync(["H"], T0, ["default"]));
        Assert.False(await Store.IsBlockedAsync(["H"], T0, []));
        Assert.True(await Store.RemoveBlockAsync("w1"));
    }

    [Fact]
    public async Task ConnectionSlotsAreCountedAndReleased()
    {
        Assert.True(await Store.TryOpenConnectionAsync("A", 2));
        Assert.True(await Store.TryOpenConnectionAsync("A", 2));
        Assert.False(await Store.TryOpenConnectionAsync("A", 2));
        Assert.True(await Store.TryOpenConnectionAsync("B", 2));
        await Store.CloseConnectionAsync("A");
        Assert.True(await Store.TryOpenConnectionAsync("A", 2));
    }

    [Fact]
    public async Task CountsInAWindowStartAgainAfterIt()
    {
        Assert.Equal(1, await Store.CountInWindowAsync("m", TimeSpan.FromHours(1), T0));
        Assert.Equal(2, await Store.CountInWindowAsync("m", TimeSpan.FromHours(1), T0));
        Assert.Equal(1, await Store.CountInWindowAsync("other", TimeSpan.FromHours(1), T0));
    }

    [Fact]
    public async Task APeekReadsTheCountAndCountsNothing()
    {
        Assert.Equal(0, await Store.PeekInWindowAsync("peeked", T0));
        await Store.CountInWindowAsync("peeked", TimeSpan.FromHours(1), T0);
        await Store.CountInWindowAsync("peeked", TimeSpan.FromHours(1), T0);
        Assert.Equal(2, await Store.PeekInWindowAsync("peeked", T0));
        Assert.Equal(2, await Store.PeekInWindowAsync("peeked", T0));
        Assert.Equal(3, await Store.CountInWindowAsync("peeked", TimeSpan.FromHours(1), T0));
        Assert.Equal(0, await Store.PeekInWindowAsync("never", T0));
    }
}

public sealed class InMemoryAbuseStoreTests : AbuseStoreContract
{
    protected override IAbuseStore Store { get; } = new InMemoryAbuseStore();
}

[Collection(RedisCollection.Name)]
public sealed class RedisAbuseStoreTests : AbuseStoreContract, IDisposable
{
    private readonly RedisConnection _connection;

    private readonly string _prefix = $"ab{Guid.NewGuid():n}:";

    public RedisAbuseStoreTests(RedisServer redis)
    {
        _connection = new RedisConnection(redis.ConnectionString, NullLogger<RedisConnection>.Instance);
        Store = new RedisAbuseStore(_connection, new NodeIdentity(), Options.Create(new RedisOptions { KeyPrefix = _prefix }));
    }

    protected override IAbuseStore Store { get; }

    [Fact]
    public async Task ABlockStoredBeforeProjectsHoldsInTheProjectDefault()
    {
        // As a version before projects wrote it: the same keys, a JSON without "project".
        var keys = new RedisKeys(_prefix);
        var now = DateTimeOffset.UtcNow;
        var until = now.AddHours(1);
        var json = "{\"id\":\"old1\",\"addressHash\":\"OLD\",\"createdAt\":\"" + now.ToString("O") + "\",\"until\":\"" + until.ToString("O") +
                   "\",\"reason\":\"prank\",\"blockedBy\":\"Sanne\"}";
        await _connection.Db.StringSetAsync(keys.Block["old1"], json, TimeSpan.FromHours(1));
        await _connection.Db.SortedSetAddAsync(keys.AddressBlocks["OLD"], "old1", until.ToUnixTimeMilliseconds());
        await _connection.Db.SortedSetAddAsync(keys.Blocks, "old1", until.ToUnixTimeMilliseconds());
        Assert.True(await Store.IsBlockedAsync(["OLD"], now, ["default"]));
        Assert.False(await Store.IsBlockedAsync(["OLD"], now, ["west"]));
        Assert.Contains(await Store.BlocksAsync(now), b => b.Id == "old1" && b.Project == "default");
    }

    public void Dispose() => _connection.Dispose();
}
