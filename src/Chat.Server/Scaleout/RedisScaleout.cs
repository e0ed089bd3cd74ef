using System.Text.Json;
using Chat.Server.Conversations;
using Chat.Server.Live;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.AspNetCore.DataProtection.StackExchangeRedis;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace Chat.Server.Scaleout;

public static class RedisScaleoutExtensions
{
    /// <summary>Redis mode: live state, connection counts and event delivery shared by every node.</summary>
    public static IServiceCollection AddRedisScaleout(this IServiceCollection services, string connectionString)
    {
        services.AddOptions<RedisOptions>().BindConfiguration(RedisOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton(sp => new RedisConnection(connectionString, sp.GetRequiredService<ILogger<RedisConnection>>()));
        services.AddSingleton<NodeIdentity>();
        services.AddSingleton<ILiveStore, RedisLiveStore>();
        services.AddSingleton<IConnectionTracker, RedisConnectionTracker>();
        services.AddSingleton<RedisFanout>();
        services.AddSingleton<IEventFanout>(sp => sp.GetRequiredService<RedisFanout>());
        services.AddHostedService(sp => sp.GetRequiredService<RedisFanout>());
        services.AddHostedService<NodeHeartbeat>();
        // Ended chats' text leaves Redis's append-only file too (one node per Redis:CompactInterval).
        services.AddSingleton<LiveFormatUpgrade>();
        services.AddHostedService(sp => sp.GetRequiredService<LiveFormatUpgrade>());
        services.AddSingleton<AofCompaction>();
        services.AddHostedService(sp => sp.GetRequiredService<AofCompaction>());
        // Sign-in cookies must be readable on every node: the data-protection keys live in Redis too (the package's
        // repository, on our connection; the same list and format as the hand-written one it replaces). A certificate set
        // with DataProtection:CertificatePath still encrypts them at rest (Accounts/AccountsExtensions.cs).
        services.AddSingleton<IConfigureOptions<KeyManagementOptions>>(sp =>
            new ConfigureOptions<KeyManagementOptions>(o =>
            {
                var redis = sp.GetRequiredService<RedisConnection>();
                o.XmlRepository = new RedisXmlRepository(() => redis.Db,
                    new RedisKeys(sp.GetRequiredService<IOptions<RedisOptions>>().Value.KeyPrefix).DataProtection);
            }));
        return services;
    }
}

/// <summary>
/// Delivers events to every node: this node's own connections at once, the other nodes' through one Redis
/// channel, where each node hands them to its own connections (and skips its own). Events wait in an ordered
/// outbox and leave in batches (one PUBLISH carries every event made while the previous one was on its way), so a
/// send is not slowed by the publish; while Redis is unreachable they stay in the outbox and go, in order, when it
/// is back. A message pub/sub loses anyway (a node briefly cut
/// off) is recovered by the client: it resumes from the message log by sequence number when it sees a gap.
/// </summary>
public sealed partial class RedisFanout(RedisConnection redis, LocalFanout local, NodeIdentity node, IOptions<RedisOptions> options,
    ILogger<RedisFanout> logger)
    : IEventFanout, IHostedService
{
    // Events kept while Redis is unreachable (Redis:MaxOutbox); beyond this the oldest go and the other nodes resync.
    private readonly int _maxOutbox = options.Value.MaxOutbox;
    private const int MaxBatchBytes = 512 * 1024;

    private readonly RedisChannel _channel = new RedisKeys(options.Value.KeyPrefix).Events;
    private readonly Lock _gate = new();
    private readonly Queue<byte[]> _outbox = new();
    private bool _draining;
    // Events were dropped (outbox full, or a batch that could not be published): the other nodes' clients missed them, so
    // with the next publish that gets through the other nodes are told to have their clients reload.
    private bool _dropped;

    private sealed record Outgoing(IReadOnlyList<Target> T, string M, EncodedPayload P);
    private sealed record Incoming(IReadOnlyList<Target> T, string M, EncodedPayload P);

    // A frame is the sending node's id, a line feed, and a JSON array of events: a node skips its own frames
    // (it delivered them to its own connections already) without parsing them.
    private readonly byte[] _origin = System.Text.Encoding.UTF8.GetBytes(node.Id + "\n");

    public async Task SendAsync(HubEvent e)
    {
        // Encoded once: the same bytes go into the frame for the other nodes and to this node's hubs.
        var payload = EncodedPayload.Of(e.Payload);
        Enqueue(JsonSerializer.SerializeToUtf8Bytes(new Outgoing(e.Targets, e.Method, payload), LocalFanout.Json));
        await local.Deliver(e.Targets, e.Method, payload);
    }

    private void Enqueue(byte[] bytes)
    {
        bool start;
        lock (_gate)
        {
            if (_outbox.Count >= _maxOutbox)
            {
                _outbox.Dequeue();
                _dropped = true;
                OutboxFull(logger, _maxOutbox);
            }
            _outbox.Enqueue(bytes);
            start = !_draining;
            _draining = true;
        }
        if (start) _ = DrainAsync();
    }

    /// <summary>Events not yet published (waiting for Redis, or for the publish before them).</summary>
    public int Pending { get { lock (_gate) return _outbox.Count; } }

    private async Task DrainAsync()
    {
        var failures = 0;
        while (true)
        {
            var batch = new List<byte[]>();
            bool resync;
            lock (_gate)
            {
                resync = _dropped;
                if (_outbox.Count == 0 && !resync)
                {
                    _draining = false;
                    return;
                }
                var size = 0;
                foreach (var b in _outbox)
                {
                    if (batch.Count > 0 && size + b.Length > MaxBatchBytes) break;
                    batch.Add(b);
                    size += b.Length + 1;
                }
            }
            try
            {
                if (resync)
                {
                    await redis.Subscriber.PublishAsync(_channel, (byte[])[.. _origin, .. ResyncMarker]);
                    lock (_gate) _dropped = false;
                    DroppedResync(logger);
                    if (batch.Count == 0) continue;
                }
                await redis.Subscriber.PublishAsync(_channel, Frame(batch));
                lock (_gate)
                {
                    // Only what was published leaves; the outbox may have dropped its oldest meanwhile.
                    foreach (var b in batch)
                        if (_outbox.TryPeek(out var head) && ReferenceEquals(head, b)) _outbox.Dequeue();
                }
                failures = 0;
            }
            catch (ObjectDisposedException)
            {
                lock (_gate) _draining = false; // shutting down
                return;
            }
            catch (Exception ex) when (Transient.Is(ex))
            {
                if (failures++ == 0) PublishFailed(logger, ex.GetType().Name, Pending);
                await Task.Delay(TimeSpan.FromMilliseconds(Math.Min(2000, 100 * (1 << Math.Min(failures, 5))))); // backoff until Redis is back
            }
            catch (Exception ex)
            {
                // Not a passing failure: drop this batch (its clients recover from the log) rather than stop the outbox.
                BatchDropped(logger, ex, batch.Count);
                lock (_gate)
                {
                    _dropped = true;
                    foreach (var b in batch)
                        if (_outbox.TryPeek(out var head) && ReferenceEquals(head, b)) _outbox.Dequeue();
                }
            }
        }
    }

    /// <summary>One PUBLISH: this node's id, a line feed, and a JSON array of events.</summary>
    private byte[] Frame(List<byte[]> events)
    {
        var frame = new byte[_origin.Length + events.Sum(e => e.Length + 1) + 1];
        _origin.CopyTo(frame, 0);
        var at = _origin.Length;
        foreach (var e in events)
        {
            frame[at] = at == _origin.Length ? (byte)'[' : (byte)',';
            e.CopyTo(frame, at + 1);
            at += 1 + e.Length;
        }
        frame[at] = (byte)']';
        return frame;
    }

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        redis.SubscriptionRestored += () => _ = ResyncWhenSubscribedAsync();
        // An ordered queue (as the framework's own Redis backplane uses): frames are handed on one at a time, in the order
        // Redis delivered them, so a node's events reach its clients in the order they were published.
        var queue = await redis.Subscriber.SubscribeAsync(_channel);
        queue.OnMessage(m => DeliverAsync(m.Message));
    }

    private static readonly byte[] Probe = "probe:"u8.ToArray();
    private static readonly byte[] ResyncMarker = "resync"u8.ToArray();
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, TaskCompletionSource> _probes = new();

    /// <summary>
    /// This node's pub/sub connection was lost and is back: what other nodes published meanwhile never reached its
    /// clients. As soon as a probe of its own comes through (the channel is subscribed again), every client on this
    /// node is told to reload (<see cref="Resync"/>) from the store, which has everything.
    /// </summary>
    private async Task ResyncWhenSubscribedAsync()
    {
        for (var attempt = 0; attempt < 30; attempt++)
        {
            var id = Guid.NewGuid().ToString("n");
            var seen = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _probes[id] = seen;
            try
            {
                byte[] probe = [.. _origin, .. Probe, .. System.Text.Encoding.ASCII.GetBytes(id)];
                await redis.Subscriber.PublishAsync(_channel, probe);
                await seen.Task.WaitAsync(TimeSpan.FromSeconds(2));
                await local.ResyncAllAsync("events-missed");
                Resynced(logger);
                return;
            }
            catch (Exception ex) when (Transient.Is(ex) || ex is TimeoutException) { /* not subscribed yet: probe again */ }
            finally
            {
                _probes.TryRemove(id, out _);
            }
        }
    }

    private async Task DeliverAsync(RedisValue message)
    {
        try
        {
            var frame = (ReadOnlyMemory<byte>)message;
            var body = frame[(frame.Span.IndexOf((byte)'\n') + 1)..];
            if (body.Span.StartsWith(Probe))
            {
                if (frame.Span.StartsWith(_origin) && _probes.TryGetValue(System.Text.Encoding.ASCII.GetString(body.Span[Probe.Length..]), out var seen))
                    seen.TrySetResult();
                return;
            }
            if (frame.Span.StartsWith(_origin)) return; // our own: delivered here already
            if (body.Span.SequenceEqual(ResyncMarker))
            {
                await local.ResyncAllAsync("events-missed"); // another node dropped events its clients never sent us
                return;
            }
            foreach (var e in JsonSerializer.Deserialize<Incoming[]>(body.Span, LocalFanout.Json) ?? [])
                await local.Deliver(e.T, e.M, e.P);
        }
        catch (Exception ex)
        {
            DeliveryFailed(logger, ex.GetType().Name);
        }
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        try { await redis.Subscriber.UnsubscribeAsync(_channel); }
        catch (Exception ex) when (ex is RedisException or TimeoutException or ObjectDisposedException) { /* shutting down */ }
    }

    [LoggerMessage(40, LogLevel.Warning, "Publishing events to Redis failed ({Error}); {Pending} events wait and go when it is back")]
    private static partial void PublishFailed(ILogger logger, string error, int pending);

    [LoggerMessage(44, LogLevel.Error, "Dropped {Count} events that could not be published")]
    private static partial void BatchDropped(ILogger logger, Exception ex, int count);

    [LoggerMessage(41, LogLevel.Error, "The event outbox is full ({Max}); dropped the oldest event (clients recover messages from the log)")]
    private static partial void OutboxFull(ILogger logger, int max);

    [LoggerMessage(43, LogLevel.Warning, "Subscribed to Redis again after a loss; told this node's clients to reload what they show")]
    private static partial void Resynced(ILogger logger);

    [LoggerMessage(45, LogLevel.Warning, "Told the other nodes to have their clients reload after events were dropped")]
    private static partial void DroppedResync(ILogger logger);

    [LoggerMessage(42, LogLevel.Error, "Could not deliver an event from Redis ({Error})")]
    private static partial void DeliveryFailed(ILogger logger, string error);
}
