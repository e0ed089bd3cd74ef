using System.Collections.Concurrent;

namespace Chat.Server.Conversations;

/// <summary>
/// Who has an open connection: visitors per session and experts, across every node, and since when a session
/// has had none (tells a closed browser from a page reload, which reconnects within seconds).
/// </summary>
public interface IConnectionTracker
{
    /// <summary>Raised when a session's last connection closed (diagnostics and tests).</summary>
    event Action<string>? VisitorGone;

    /// <summary>Raised when an expert's last connection closed and their presence says so.</summary>
    event Action<string>? ExpertGone;

    /// <summary>True when the session had no connection before this one.</summary>
    Task<bool> VisitorConnectedAsync(string sessionId);

    /// <summary>True when this was the session's last connection.</summary>
    Task<bool> VisitorDisconnectedAsync(string sessionId);

    Task<bool> IsVisitorConnectedAsync(string sessionId);

    /// <summary>Sessions without a connection since before <paramref name="before"/>.</summary>
    Task<IReadOnlyList<string>> VisitorsGoneSinceAsync(DateTimeOffset before);

    Task ForgetAsync(string sessionId);

    Task ExpertConnectedAsync(string expertId);

    /// <summary>True when this was the expert's last connection.</summary>
    Task<bool> ExpertDisconnectedAsync(string expertId);

    void RaiseExpertGone(string expertId);

    /// <summary>Connections held by nodes that stopped (crash, kill): forgotten.</summary>
    Task<DeadNodeSweep> SweepDeadNodesAsync();
}

/// <summary>
/// What a sweep of dead nodes found: the experts left without any connection, and the visitor sessions and experts
/// that had a connection on a dead node (what that node acknowledged but had not yet published never reached the
/// other side of their chats).
/// </summary>
public sealed record DeadNodeSweep(IReadOnlyList<string> ExpertsGone, IReadOnlyList<string> SessionsHit, IReadOnlyList<string> ExpertsHit)
{
    public static readonly DeadNodeSweep None = new([], [], []);
}

/// <summary>Embedded mode: one node, counts in process.</summary>
public sealed class ConnectionTracker(TimeProvider time) : IConnectionTracker
{
    private readonly ConcurrentDictionary<string, int> _visitors = new();
    private readonly ConcurrentDictionary<string, DateTimeOffset> _visitorGoneSince = new();
    private readonly ConcurrentDictionary<string, int> _experts = new();

    public event Action<string>? VisitorGone;
    public event Action<string>? ExpertGone;

    public Task<bool> VisitorConnectedAsync(string sessionId)
    {
        var n = _visitors.AddOrUpdate(sessionId, 1, (_, c) => c + 1);
        _visitorGoneSince.TryRemove(sessionId, out _);
        return Task.FromResult(n == 1);
    }

    public Task<bool> VisitorDisconnectedAsync(string sessionId)
    {
        var left = _visitors.AddOrUpdate(sessionId, 0, (_, n) => Math.Max(0, n - 1));
        if (left > 0) return Task.FromResult(false);
        _visitors.TryRemove(new KeyValuePair<string, int>(sessionId, 0));
        _visitorGoneSince[sessionId] = time.GetUtcNow();
        VisitorGone?.Invoke(sessionId);
        return Task.FromResult(true);
    }

    public Task<bool> IsVisitorConnectedAsync(string sessionId) =>
        Task.FromResult(_visitors.TryGetValue(sessionId, out var n) && n > 0);

    public Task<IReadOnlyList<string>> VisitorsGoneSinceAsync(DateTimeOffset before) =>
        Task.FromResult<IReadOnlyList<string>>(_visitorGoneSince.Where(kv => kv.Value < before).Select(kv => kv.Key).ToList());

    public Task ForgetAsync(string sessionId)
    {
        _visitorGoneSince.TryRemove(sessionId, out _);
        _visitors.TryRemove(sessionId, out _);
        return Task.CompletedTask;
    }

    public Task ExpertConnectedAsync(string expertId)
    {
        _experts.AddOrUpdate(expertId, 1, (_, n) => n + 1);
        return Task.CompletedTask;
    }

    public Task<bool> ExpertDisconnectedAsync(string expertId) =>
        Task.FromResult(_experts.AddOrUpdate(expertId, 0, (_, n) => Math.Max(0, n - 1)) == 0);

    public void RaiseExpertGone(string expertId) => ExpertGone?.Invoke(expertId);

    public Task<DeadNodeSweep> SweepDeadNodesAsync() => Task.FromResult(DeadNodeSweep.None);

    /// <summary>Sessions restored after a restart have no connection yet: gone since <paramref name="at"/>, until they reconnect.</summary>
    public void Restored(IEnumerable<string> sessionIds, DateTimeOffset at)
    {
        foreach (var id in sessionIds) _visitorGoneSince.TryAdd(id, at);
    }
}
