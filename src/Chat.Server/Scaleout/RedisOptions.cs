using System.ComponentModel.DataAnnotations;

namespace Chat.Server.Scaleout;

/// <summary>Redis mode: set <c>ConnectionStrings:Redis</c> (StackExchange.Redis syntax, e.g. "localhost:6379").</summary>
public sealed class RedisOptions
{
    public const string Section = "Redis";

    /// <summary>Prefix of every key and channel, so several deployments can share one Redis.</summary>
    public string KeyPrefix { get; set; } = "chat:";

    /// <summary>How long a node counts as alive after its last heartbeat.</summary>
    public TimeSpan NodeTimeout { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>
    /// Ended chats' text leaves Redis's append-only file at most this long after their keys expired: while some expired
    /// since the last rewrite, Redis is asked to rewrite the file this often (AofCompaction). A rewrite forks Redis: not
    /// more often than a minute; at most a day.
    /// </summary>
    [Range(typeof(TimeSpan), "00:01:00", "1.00:00:00")]
    public TimeSpan CompactInterval { get; set; } = TimeSpan.FromHours(1);

    /// <summary>
    /// Events a node keeps while Redis is unreachable; beyond this the oldest go, and once Redis is back the other nodes'
    /// clients are told to reload (Resync) and read what they missed from the store.
    /// </summary>
    [Range(1, 1_000_000)]
    public int MaxOutbox { get; set; } = 10_000;

    /// <summary>
    /// Batches of messages on their way to Redis at once (the group commit of the appends). With 2, the next batch is
    /// written while Redis still works on, or fsyncs, the one before; the batches and their replies keep their order.
    /// </summary>
    [Range(1, 4)]
    public int AppendsInFlight { get; set; } = 1;
}
