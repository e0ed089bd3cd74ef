using System.Globalization;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace Chat.Server.Scaleout;

/// <summary>
/// Ended transcripts leave every copy. With Redis persistence on, an ended chat's text stays in Redis's append-only
/// file after its keys expired, until Redis rewrites that file from what it holds now. The store notes when each ended
/// chat's keys expire (<see cref="RedisKeys.CompactPending"/>); while some have expired since the last rewrite, the
/// node that takes the lease (SET NX PX, so one node per interval) has Redis rewrite the file (BGREWRITEAOF) and waits
/// until it is done. So the text leaves the disk at most <c>Redis:CompactInterval</c> after its keys, and Redis is
/// never asked to rewrite when nothing expired. AOF off: nothing to do. The command refused (renamed or disabled on a
/// managed Redis): one warning that says what to do.
/// </summary>
public sealed partial class AofCompaction(RedisConnection redis, NodeIdentity node, IOptions<RedisOptions> options, TimeProvider time,
    ILogger<AofCompaction> logger) : BackgroundService
{
    private readonly RedisKeys _keys = new(options.Value.KeyPrefix);
    private int _refusalLogged;

    /// <summary>How often a node looks whether a rewrite is due: a quarter of the interval, at most a minute.</summary>
    private TimeSpan CheckPeriod => TimeSpan.FromTicks(Math.Min(options.Value.CompactInterval.Ticks / 4, TimeSpan.FromMinutes(1).Ticks));

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(CheckPeriod, time);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                await CompactIfDueAsync(stoppingToken);
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested && (ex is RedisException or TimeoutException))
            {
                CheckFailed(logger, ex.GetType().Name);
            }
        }
    }

    /// <summary>One check: rewrites the append-only file (and waits until Redis is done) when ended chats expired since the last rewrite.</summary>
    public async Task<AofCompactionOutcome> CompactIfDueAsync(CancellationToken ct = default)
    {
        var db = redis.Db;
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        if ((await db.SortedSetRangeByScoreAsync(_keys.CompactPending, double.NegativeInfinity, now, take: 1)).Length == 0)
            return AofCompactionOutcome.NothingExpired;
        if (Info(await PersistenceInfoAsync()).GetValueOrDefault("aof_enabled") != "1")
        {
            // No append-only file: nothing on disk to clean. The notes go, so they do not pile up.
            await db.SortedSetRemoveRangeByScoreAsync(_keys.CompactPending, double.NegativeInfinity, now);
            return AofCompactionOutcome.AofOff;
        }
        // The lease ends one check before the interval: the next rewrite, if due by then, comes within the interval.
        if (!await db.StringSetAsync(_keys.CompactLease, node.Id, options.Value.CompactInterval - CheckPeriod, When.NotExists))
            return AofCompactionOutcome.LeaseHeld;

        if (!await StartRewriteAsync(ct)) return AofCompactionOutcome.Refused;
        var status = await RewriteDoneAsync(ct);
        if (status != "ok")
        {
            RewriteFailed(logger, status);
            return AofCompactionOutcome.Failed;
        }
        // Rewritten from what Redis held after `now`: what expired until then is out of the file.
        await db.SortedSetRemoveRangeByScoreAsync(_keys.CompactPending, double.NegativeInfinity, now);
        Rewritten(logger);
        return AofCompactionOutcome.Rewritten;
    }

    private async Task<bool> StartRewriteAsync(CancellationToken ct)
    {
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                await redis.Db.ExecuteAsync("BGREWRITEAOF");
                return true;
            }
            catch (RedisServerException ex) when (ex.Message.Contains("already in progress", StringComparison.OrdinalIgnoreCase) && attempt < 3)
            {
                // A rewrite that Redis started by itself may have forked before the keys expired: let it end, then ours.
                await RewriteDoneAsync(ct);
            }
            catch (RedisServerException ex)
            {
                if (Interlocked.Exchange(ref _refusalLogged, 1) == 0) CommandRefused(logger, ex.Message);
                return false;
            }
        }
    }

    /// <summary>Waits until no rewrite is running or scheduled; returns the last rewrite's status ("ok" or "err").</summary>
    private async Task<string> RewriteDoneAsync(CancellationToken ct)
    {
        // Redis tells no one when a rewrite ends: ask, every tenth of a second (a rewrite of live chats takes about that).
        var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(10);
        while (true)
        {
            var info = Info(await PersistenceInfoAsync());
            if (info.GetValueOrDefault("aof_rewrite_in_progress") == "0" && info.GetValueOrDefault("aof_rewrite_scheduled") == "0")
                return info.GetValueOrDefault("aof_last_bgrewrite_status") ?? "unknown";
            if (DateTime.UtcNow > deadline) return "still running after 10 minutes";
            await Task.Delay(TimeSpan.FromMilliseconds(100), ct);
        }
    }

    private async Task<string> PersistenceInfoAsync() => (string?)await redis.Db.ExecuteAsync("INFO", "persistence") ?? "";

    private static Dictionary<string, string> Info(string text) =>
        text.Split('\n', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
            .Where(l => !l.StartsWith('#') && l.Contains(':'))
            .ToDictionary(l => l[..l.IndexOf(':')], l => l[(l.IndexOf(':') + 1)..], StringComparer.Ordinal);

    [LoggerMessage(50, LogLevel.Information, "Had Redis rewrite its append-only file: ended chats' text is off the disk")]
    private static partial void Rewritten(ILogger logger);

    [LoggerMessage(51, LogLevel.Warning,
        "Redis refused BGREWRITEAOF ({Error}): ended chats' text stays in its append-only file until Redis rewrites it. " +
        "Allow the command for this server's Redis user (ACL: +bgrewriteaof; not renamed), or have Redis or your provider rewrite " +
        "the file at least every Redis:CompactInterval (e.g. auto-aof-rewrite-percentage), or run Redis without persistence")]
    private static partial void CommandRefused(ILogger logger, string error);

    [LoggerMessage(52, LogLevel.Warning, "Redis could not rewrite its append-only file ({Status}); trying again next interval")]
    private static partial void RewriteFailed(ILogger logger, string status);

    [LoggerMessage(53, LogLevel.Warning, "Checking whether Redis's append-only file needs a rewrite failed ({Error}); trying again")]
    private static partial void CheckFailed(ILogger logger, string error);
}

public enum AofCompactionOutcome
{
    /// <summary>No ended chat's keys expired since the last rewrite.</summary>
    NothingExpired,
    /// <summary>Redis runs without an append-only file.</summary>
    AofOff,
    /// <summary>Another node (or this one) rewrote within the interval.</summary>
    LeaseHeld,
    Rewritten,
    /// <summary>Redis refused the command (renamed or disabled); warned once.</summary>
    Refused,
    Failed,
}
