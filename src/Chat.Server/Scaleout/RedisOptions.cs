namespace Chat.Server.Scaleout;

/// <summary>Redis mode: set <c>ConnectionStrings:Redis</c> (StackExchange.Redis syntax, e.g. "localhost:6379").</summary>
public sealed class RedisOptions
{
    public const string Section = "Redis";

    /// <summary>Prefix of every key and channel, so several deployments can share one Redis.</summary>
    public string KeyPrefix { get; set; } = "chat:";

    /// <summary>How long a node counts as alive after its last heartbeat.</summary>
    public TimeSpan NodeTimeout { get; set; } = TimeSpan.FromSeconds(15);
}
