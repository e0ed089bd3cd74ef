namespace Chat.Tests.Infrastructure;

/// <summary>
/// Settings for server processes that form one deployment: the same Redis (a key prefix of their own) and one
/// records database in a temporary folder, deleted afterwards. Add settings to <see cref="Env"/> before starting.
/// </summary>
public sealed class NodeEnvironment : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "chat-tests", Guid.NewGuid().ToString("n"));

    public NodeEnvironment(RedisServer redis)
    {
        Directory.CreateDirectory(_dir);
        Env = new Dictionary<string, string>
        {
            ["ConnectionStrings__Redis"] = redis.ConnectionString,
            ["Redis__KeyPrefix"] = $"p{Guid.NewGuid():n}:",
            ["ConnectionStrings__Records"] = $"Data Source={Path.Combine(_dir, "chat.db")}",
        };
    }

    public Dictionary<string, string> Env { get; }

    public void Dispose()
    {
        try { Directory.Delete(_dir, true); } catch (IOException) { /* best effort */ }
    }
}
