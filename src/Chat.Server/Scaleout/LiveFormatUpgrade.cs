using System.Text.Json;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace Chat.Server.Scaleout;

/// <summary>
/// At start in Redis mode: removes the live state of the format before hashes (a session or a presence stored as one JSON
/// string), with each such chat's message log, client ids, conversation index and resume token. Without this, the log of a
/// chat that was running when the nodes were upgraded would stay in Redis with no expiry (the scripts treat the old keys
/// as gone but cannot know their logs). Nodes of the two formats cannot share live state: upgrade by stopping every node.
/// </summary>
public sealed partial class LiveFormatUpgrade(RedisConnection redis, IOptions<RedisOptions> options, ILogger<LiveFormatUpgrade> logger)
    : IHostedService
{
    private readonly RedisKeys _keys = new(options.Value.KeyPrefix);

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        try
        {
            var dropped = await DropOldFormatAsync();
            if (dropped > 0) Log.Dropped(logger, dropped);
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            // Redis is not there yet: the nodes start anyway (see RedisConnection); the next start tries again.
            Log.Failed(logger, ex.GetType().Name);
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private const string Hashes = "hashes";

    /// <summary>
    /// Returns the number of old-format sessions and presences removed. Once done, the format is noted in Redis and later
    /// starts skip the scan (it reads every live key).
    /// </summary>
    public async Task<int> DropOldFormatAsync()
    {
        var db = redis.Db;
        if (await db.StringGetAsync(_keys.LiveFormat) == Hashes) return 0;
        var dropped = 0;
        foreach (var endpoint in redis.Multiplexer.GetEndPoints())
        {
            var server = redis.Multiplexer.GetServer(endpoint);
            if (!server.IsConnected || server.IsReplica) continue;
            await foreach (var key in server.KeysAsync(db.Database, _keys.Session.Prefix + "*", pageSize: 500))
            {
                if (await db.KeyTypeAsync(key) != RedisType.String) continue;
                var json = (string?)await db.StringGetAsync(key);
                var doomed = new List<RedisKey> { key };
                if (json is not null && TryRead(json) is var (sessionId, conversationId, tokenHash))
                {
                    if (conversationId is not null)
                        doomed.AddRange([_keys.Conversation[conversationId], _keys.Log[conversationId], _keys.MessageIds[conversationId],
                            _keys.MessageRate[conversationId]]);
                    if (tokenHash is not null) doomed.Add(_keys.ResumeToken[tokenHash]);
                    if (sessionId is not null)
                    {
                        await db.SortedSetRemoveAsync(_keys.Queue, sessionId);
                        await db.SortedSetRemoveAsync(_keys.Ended, sessionId);
                    }
                }
                await db.KeyDeleteAsync(doomed.ToArray());
                dropped++;
            }
            await foreach (var key in server.KeysAsync(db.Database, _keys.Expert.Prefix + "*", pageSize: 500))
                if (await db.KeyTypeAsync(key) == RedisType.String && await db.KeyDeleteAsync(key)) dropped++;
        }
        await db.StringSetAsync(_keys.LiveFormat, Hashes);
        return dropped;
    }

    private static (string? SessionId, string? ConversationId, string? TokenHash)? TryRead(string json)
    {
        try
        {
            using var doc = JsonDocument.Parse(json);
            if (doc.RootElement.ValueKind != JsonValueKind.Object) return null;
            return (Text(doc.RootElement, "sessionId"), Text(doc.RootElement, "conversationId"), Text(doc.RootElement, "resumeTokenHash"));
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static string? Text(JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Information, "Removed {Count} live-state keys of the format before this version, with their message logs")]
        public static partial void Dropped(ILogger logger, int count);

        [LoggerMessage(2, LogLevel.Warning, "Could not look for live state of the previous format ({Error}); tried again at the next start")]
        public static partial void Failed(ILogger logger, string error);
    }
}
