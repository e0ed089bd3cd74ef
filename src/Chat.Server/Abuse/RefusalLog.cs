using System.Collections.Concurrent;

namespace Chat.Server.Abuse;

/// <summary>
/// The one place that logs refused and invalid calls. A line holds a reason code and the hub method or path, never the
/// input, an address or a stack trace; and a flood cannot fill the disk: each (connection, reason) is logged at most once
/// a window, and each reason at most <see cref="PerReasonPerWindow"/> times a window over all connections, after which
/// one line says how many were left out.
/// </summary>
public sealed partial class RefusalLog(ILogger<RefusalLog> logger, TimeProvider time)
{
    public static readonly TimeSpan Window = TimeSpan.FromMinutes(1);
    public const int PerReasonPerWindow = 20;

    private readonly ConcurrentDictionary<string, long> _seen = new();
    private int _trimSeenAt = 50_000;
    private readonly ConcurrentDictionary<string, (long Window, int Logged, int Suppressed)> _perReason = new();

    /// <param name="who">The connection id (or another key of one caller); never an address.</param>
    /// <param name="reason">A fixed code such as "limit", "blocked", "invalid-input", never built from input.</param>
    /// <param name="where">A hub method or a route template, never a raw path or query.</param>
    public void Refused(string who, string reason, string where)
    {
        var window = time.GetUtcNow().ToUnixTimeMilliseconds() / (long)Window.TotalMilliseconds;
        // Older windows are forgotten; the threshold doubles with what stays, so a flood does not make every call walk them.
        if (_seen.Count > _trimSeenAt)
        {
            foreach (var old in _seen.Where(kv => kv.Value < window).Select(kv => kv.Key).ToList()) _seen.TryRemove(old, out _);
            _trimSeenAt = Math.Max(50_000, _seen.Count * 2);
        }
        var key = who + "\n" + reason;
        if (_seen.TryGetValue(key, out var w) && w == window) return;
        _seen[key] = window;

        int suppressed = 0;
        var log = false;
        _perReason.AddOrUpdate(reason, _ => { log = true; return (window, 1, 0); }, (_, s) =>
        {
            if (s.Window != window)
            {
                suppressed = s.Suppressed;
                log = true;
                return (window, 1, 0);
            }
            log = s.Logged < PerReasonPerWindow;
            suppressed = 0;
            return log ? (window, s.Logged + 1, s.Suppressed) : (window, s.Logged, s.Suppressed + 1);
        });
        if (suppressed > 0) Suppressed(logger, suppressed, reason);
        if (log) Refusal(logger, reason, where);
    }

    [LoggerMessage(40, LogLevel.Warning, "Refused ({Reason}) at {Where}")]
    private static partial void Refusal(ILogger logger, string reason, string where);

    [LoggerMessage(41, LogLevel.Warning, "{Count} more refusals ({Reason}) in the previous minute were not logged one by one")]
    private static partial void Suppressed(ILogger logger, int count, string reason);
}
