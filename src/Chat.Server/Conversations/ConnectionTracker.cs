using System.Collections.Concurrent;

namespace Chat.Server.Conversations;

/// <summary>
/// Open connections per visitor session and per expert on this node, and since when a session has had none.
/// Used to tell a closed browser from a page reload (which reconnects within seconds).
/// </summary>
public sealed class ConnectionTracker(TimeProvider time)
{
    private readonly ConcurrentDictionary<string, int> _visitors = new();
    private readonly ConcurrentDictionary<string, DateTimeOffset> _visitorGoneSince = new();
    private readonly ConcurrentDictionary<string, int> _experts = new();

    /// <summary>Raised when a session's last connection on this node closed (for diagnostics and tests).</summary>
    public event Action<string>? VisitorGone;

    /// <summary>Raised when an expert's last connection on this node closed and their presence says so.</summary>
    public event Action<string>? ExpertGone;

    public void VisitorConnected(string sessionId)
    {
        _visitors.AddOrUpdate(sessionId, 1, (_, n) => n + 1);
        _visitorGoneSince.TryRemove(sessionId, out _);
    }

    /// <summary>True when this was the session's last connection.</summary>
    public bool VisitorDisconnected(string sessionId)
    {
        var left = _visitors.AddOrUpdate(sessionId, 0, (_, n) => Math.Max(0, n - 1));
        if (left > 0) return false;
        _visitors.TryRemove(new KeyValuePair<string, int>(sessionId, 0));
        _visitorGoneSince[sessionId] = time.GetUtcNow();
        VisitorGone?.Invoke(sessionId);
        return true;
    }

    public bool IsVisitorConnected(string sessionId) => _visitors.TryGetValue(sessionId, out var n) && n > 0;

    /// <summary>Sessions without a connection since before <paramref name="before"/>.</summary>
    public IReadOnlyList<string> VisitorsGoneSince(DateTimeOffset before) =>
        _visitorGoneSince.Where(kv => kv.Value < before).Select(kv => kv.Key).ToList();

    public void Forget(string sessionId)
    {
        _visitorGoneSince.TryRemove(sessionId, out _);
        _visitors.TryRemove(sessionId, out _);
    }

    public void ExpertConnected(string expertId) => _experts.AddOrUpdate(expertId, 1, (_, n) => n + 1);

    /// <summary>True when this was the expert's last connection on this node.</summary>
    public bool ExpertDisconnected(string expertId)
    {
        var left = _experts.AddOrUpdate(expertId, 0, (_, n) => Math.Max(0, n - 1));
        return left == 0;
    }

    public void RaiseExpertGone(string expertId) => ExpertGone?.Invoke(expertId);
}
