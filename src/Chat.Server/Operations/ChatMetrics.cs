using System.Diagnostics;
using System.Diagnostics.Metrics;
using Chat.Server.Live;
using Microsoft.Extensions.Options;

namespace Chat.Server.Operations;

/// <summary>
/// The instruments of meter <c>Chat.Server</c> (the Operations contract). Gauges read the live store, at most once per
/// <see cref="MetricsOptions.SnapshotInterval"/> however often they are scraped; counters and histograms are fed by the
/// routing (<see cref="RequestOutcome"/>, <see cref="MessageStored"/>, <see cref="Assigned"/>). No tag holds an id, an
/// address or text: only the fixed codes below.
/// </summary>
public sealed class ChatMetrics : IDisposable
{
    public const string MeterName = "Chat.Server";

    /// <summary>The outcomes of a visitor's StartChat (tag <c>outcome</c> of <c>chat.requests</c>).</summary>
    public static class Outcomes
    {
        public const string Queued = "queued";
        public const string Closed = "closed";
        public const string Refused = "refused";
    }

    private readonly Meter _meter;
    private readonly Counter<long> _messages;
    private readonly Counter<long> _requests;
    private readonly Histogram<double> _assignment;
    private readonly Histogram<double> _wait;
    private readonly ILiveStore _store;
    private readonly TimeProvider _time;
    private readonly IOptionsMonitor<MetricsOptions> _options;
    private readonly Lock _gate = new();
    private Snapshot _last = new(0, 0, 0, 0, DateTimeOffset.MinValue);

    private sealed record Snapshot(int Waiting, int LongestWaitSeconds, int Active, int Available, DateTimeOffset At);

    public ChatMetrics(IMeterFactory meters, ILiveStore store, TimeProvider time, IOptionsMonitor<MetricsOptions> options)
    {
        _store = store;
        _time = time;
        _options = options;
        _meter = meters.Create(MeterName);
        _meter.CreateObservableGauge("chat.queue.waiting", () => Read().Waiting, description: "Visitors waiting in the queue");
        _meter.CreateObservableGauge("chat.queue.longest_wait", () => Read().LongestWaitSeconds, unit: "s",
            description: "How long the first visitor in the queue has waited");
        _meter.CreateObservableGauge("chat.conversations.active", () => Read().Active, description: "Chats with an expert now");
        _meter.CreateObservableGauge("chat.experts.available", () => Read().Available,
            description: "Experts connected, available and with room for another chat");
        _messages = _meter.CreateCounter<long>("chat.messages", description: "Messages stored (tag from: visitor, expert)");
        _requests = _meter.CreateCounter<long>("chat.requests", description: "Visitors' chat requests (tag outcome: queued, closed, refused)");
        _assignment = _meter.CreateHistogram<double>("chat.assignment.duration", unit: "s",
            description: "How long assigning a visitor to an expert took (the store's atomic step and the announcements)");
        _wait = _meter.CreateHistogram<double>("chat.queue.wait", unit: "s", description: "How long a visitor waited before an expert took the chat (tag priority: danger, waited, normal)");
    }

    /// <param name="outcome">One of <see cref="Outcomes"/>.</param>
    public void RequestOutcome(string outcome) => _requests.Add(1, new KeyValuePair<string, object?>("outcome", outcome));

    /// <param name="from"><c>visitor</c> or <c>expert</c> (Live.Senders).</param>
    public void MessageStored(string from) => _messages.Add(1, new KeyValuePair<string, object?>("from", from));

    /// <param name="priority">The visitor's tier when answered: <c>danger</c>, <c>waited</c> or <c>normal</c> (Conversations.Tiers).</param>
    public void Assigned(TimeSpan waited, string priority) =>
        _wait.Record(Math.Max(0, waited.TotalSeconds), new KeyValuePair<string, object?>("priority", priority));

    public void AssignmentTook(TimeSpan took) => _assignment.Record(took.TotalSeconds);

    /// <summary>Times an assignment: <c>using (metrics.TimeAssignment()) { ... }</c>.</summary>
    public AssignmentTimer TimeAssignment() => new(this, Stopwatch.GetTimestamp());

    public readonly struct AssignmentTimer(ChatMetrics metrics, long started) : IDisposable
    {
        public void Dispose() => metrics.AssignmentTook(Stopwatch.GetElapsedTime(started));
    }

    /// <summary>
    /// The live numbers as of at most one snapshot interval ago. A scrape calls the gauges' callbacks synchronously, one
    /// after another: the first one that finds the snapshot stale reads the store (bounded), the others reuse it. When
    /// the store does not answer in time (Redis away), the last numbers are shown.
    /// </summary>
    private Snapshot Read()
    {
        var now = _time.GetUtcNow();
        lock (_gate)
        {
            if (now - _last.At < _options.CurrentValue.SnapshotInterval) return _last;
            try
            {
                var read = ReadAsync(now);
                if (read.Wait(TimeSpan.FromSeconds(2))) _last = read.Result;
            }
            catch (AggregateException) { /* store unreachable: keep the last numbers */ }
            return _last;
        }
    }

    private async Task<Snapshot> ReadAsync(DateTimeOffset now)
    {
        var queue = await _store.GetQueueAsync().ConfigureAwait(false);
        var experts = await _store.GetPresencesAsync().ConfigureAwait(false);
        var longest = queue.Count == 0 ? 0 : (int)Math.Max(0, (now - queue.Min(q => q.RequestedAt)).TotalSeconds);
        return new Snapshot(queue.Count, longest, experts.Sum(e => e.ActiveChats.Count), experts.Count(e => e.HasCapacity), now);
    }

    public void Dispose() => _meter.Dispose();
}
