using Chat.Server.Conversations;
using Chat.Server.Scaleout;
using Chat.Tests.Infrastructure;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Chat.Tests.Live;

/// <summary>
/// What every connection tracker keeps (in process, and in Redis with counts per node): a reload or a second tab is one
/// visitor, the last connection closing is seen once, and "gone since" drives the reconnect graces. Same tests for both.
/// </summary>
public abstract class ConnectionTrackerContract
{
    protected static readonly DateTimeOffset T0 = new(2026, 11, 30, 19, 0, 0, TimeSpan.Zero);
    protected readonly ManualClock Clock = new(T0);
    protected abstract IConnectionTracker Tracker { get; }

    [Fact]
    public async Task ASecondTabIsTheSameVisitorAndOnlyTheLastCloseCounts()
    {
        var gone = new List<string>();
        Tracker.VisitorGone += gone.Add;
        Assert.True(await Tracker.VisitorConnectedAsync("s"));
        Assert.False(await Tracker.VisitorConnectedAsync("s")); // a second tab, or a reload that connects before the old closes
        Assert.True(await Tracker.IsVisitorConnectedAsync("s"));
        Assert.False(await Tracker.VisitorDisconnectedAsync("s"));
        Assert.Empty(gone);
        Assert.True(await Tracker.IsVisitorConnectedAsync("s"));
        Assert.True(await Tracker.VisitorDisconnectedAsync("s"));
        Assert.Equal(["s"], gone);
        Assert.False(await Tracker.IsVisitorConnectedAsync("s"));
        Assert.False(await Tracker.IsVisitorConnectedAsync("never"));
    }

    [Fact]
    public async Task GoneSinceDrivesTheGracesAndAReconnectOrForgetClearsIt()
    {
        await Tracker.VisitorConnectedAsync("a");
        await Tracker.VisitorConnectedAsync("b");
        await Tracker.VisitorDisconnectedAsync("a");
        Clock.Advance(TimeSpan.FromMinutes(1));
        await Tracker.VisitorDisconnectedAsync("b");
        Assert.Empty(await Tracker.VisitorsGoneSinceAsync(T0));                  // gone at T0: not before T0
        Assert.Equal(["a"], await Tracker.VisitorsGoneSinceAsync(T0.AddSeconds(30)));
        Assert.Equal(["a", "b"], (await Tracker.VisitorsGoneSinceAsync(T0.AddMinutes(2))).Order());

        Assert.True(await Tracker.VisitorConnectedAsync("a")); // came back: no longer gone
        await Tracker.ForgetAsync("b");                        // the chat ended: nothing to wait for
        Assert.Empty(await Tracker.VisitorsGoneSinceAsync(T0.AddMinutes(2)));
    }

    [Fact]
    public async Task AnExpertWithTwoTabsIsGoneOnlyWhenBothClose()
    {
        await Tracker.ExpertConnectedAsync("e");
        await Tracker.ExpertConnectedAsync("e");
        Assert.False(await Tracker.ExpertDisconnectedAsync("e"));
        Assert.True(await Tracker.ExpertDisconnectedAsync("e"));
        await Tracker.ExpertConnectedAsync("e");
        Assert.True(await Tracker.ExpertDisconnectedAsync("e"));
    }
}

public sealed class InProcessConnectionTrackerTests : ConnectionTrackerContract
{
    public InProcessConnectionTrackerTests() => Tracker = new ConnectionTracker(Clock);
    protected override IConnectionTracker Tracker { get; }
}

[Collection(RedisCollection.Name)]
public sealed class RedisConnectionTrackerTests : ConnectionTrackerContract, IDisposable
{
    private readonly RedisConnection _connection;

    public RedisConnectionTrackerTests(RedisServer redis)
    {
        _connection = new RedisConnection(redis.ConnectionString, NullLogger<RedisConnection>.Instance);
        Tracker = new RedisConnectionTracker(_connection, new NodeIdentity(),
            Options.Create(new RedisOptions { KeyPrefix = $"ct{Guid.NewGuid():n}:" }), Clock);
    }

    protected override IConnectionTracker Tracker { get; }

    public void Dispose() => _connection.Dispose();
}
