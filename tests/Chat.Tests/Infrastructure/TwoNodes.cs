namespace Chat.Tests.Infrastructure;

/// <summary>
/// Two server nodes (two apps on TestServer) sharing one real redis-server (a key prefix of their own) and one records
/// database in a temporary folder, as in production behind a load balancer without sticky sessions. Node A starts
/// first: it creates the schema and the demo accounts.
/// </summary>
public sealed class TwoNodes : IAsyncDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "chat-tests", Guid.NewGuid().ToString("n"));
    public ChatApp A { get; }
    public ChatApp B { get; }

    /// <param name="onlyA">Settings of node A only (on top of the shared ones).</param>
    public TwoNodes(RedisServer redis, Dictionary<string, string?>? onlyA = null)
    {
        Directory.CreateDirectory(_dir);
        var prefix = $"n{Guid.NewGuid():n}:";
        Dictionary<string, string?> Settings() => new()
        {
            ["ConnectionStrings:Redis"] = redis.ConnectionString,
            ["Redis:KeyPrefix"] = prefix,
            ["ConnectionStrings:Records"] = $"Data Source={Path.Combine(_dir, "chat.db")}",
        };
        var a = Settings();
        foreach (var (k, v) in onlyA ?? []) a[k] = v;
        A = new ChatApp(a);
        _ = A.Server;
        B = new ChatApp(Settings());
        _ = B.Server;
    }

    public async ValueTask DisposeAsync()
    {
        await A.DisposeAsync();
        await B.DisposeAsync();
        try { Directory.Delete(_dir, true); } catch (IOException) { /* best effort */ }
    }
}

/// <summary>A test class on <see cref="TwoNodes"/>: nodes <see cref="A"/> and <see cref="B"/>, fresh for every test.</summary>
public abstract class TwoNodeSuite(RedisServer redis) : IAsyncLifetime
{
    private TwoNodes _nodes = null!;
    protected RedisServer Redis { get; } = redis;
    protected ChatApp A => _nodes.A;
    protected ChatApp B => _nodes.B;

    public Task InitializeAsync()
    {
        _nodes = new TwoNodes(Redis);
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _nodes.DisposeAsync();
}
