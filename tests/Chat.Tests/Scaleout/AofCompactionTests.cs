using System.Diagnostics;
using System.Text;
using Chat.Server.Live;
using Chat.Server.Scaleout;
using Chat.Tests.Infrastructure;
using Chat.Tests.Live;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Chat.Tests.Scaleout;

/// <summary>
/// "Ended transcripts leave every copy": with Redis persistence on, an ended chat's text is in Redis's append-only file
/// after its keys are gone, until the server has Redis rewrite the file. Each test runs its own redis-server in a temp
/// folder, so the files on disk can be read.
/// </summary>
public sealed class AofCompactionTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 30, 19, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task AnEndedChatsTextLeavesTheAppendOnlyFileWithTheCompactionAfterTheGracePeriod()
    {
        await using var redis = await AofRedis.StartAsync();
        var clock = new ManualClock(DateTimeOffset.UtcNow);
        using var app = new ChatApp(new()
        {
            ["ConnectionStrings:Redis"] = redis.ConnectionString, ["Redis:KeyPrefix"] = $"aof{Guid.NewGuid():n}:",
        }) { Clock = clock };
        await using var sanne = await app.ExpertAsync(1);
        await using var ruben = await app.ExpertAsync(2);
        await using var leaving = await app.VisitorAsync();
        await leaving.StartAsync();
        await leaving.Inbox.Next("ChatStarted");
        await using var staying = await app.VisitorAsync();
        await staying.StartAsync();
        await staying.Inbox.Next("ChatStarted");
        var gone = $"leaves-the-disk-{Guid.NewGuid():n}";
        var kept = $"still-a-live-chat-{Guid.NewGuid():n}";
        await leaving.SendAsync("m1", gone);
        await staying.SendAsync("m1", kept);
        await leaving.Hub.InvokeAsync("LeaveChat");
        Assert.True(redis.FilesContain(gone), "the chat's text is in the append-only file");

        // Within the grace period nothing expired: Redis is not asked to rewrite.
        var compaction = app.Services.GetRequiredService<AofCompaction>();
        Assert.Equal(AofCompactionOutcome.NothingExpired, await compaction.CompactIfDueAsync());
        Assert.Equal("0", await redis.InfoAsync("aof_rewrites"));

        clock.Advance(TimeSpan.FromMinutes(16)); // past Chat:GracePeriod (15 minutes)
        await app.Sweeper.SweepAsync();           // the ended chat's keys are deleted
        Assert.True(redis.FilesContain(gone), "deleted keys are still in the file until it is rewritten");
        Assert.Equal(AofCompactionOutcome.Rewritten, await compaction.CompactIfDueAsync());

        Assert.False(redis.FilesContain(gone), "no file in the append-only folder holds the ended chat's text");
        Assert.True(redis.FilesContain(kept), "the running chat is in the rewritten file (the search reads it)");
        Assert.Equal(AofCompactionOutcome.NothingExpired, await compaction.CompactIfDueAsync()); // nothing new expired
    }

    [Fact]
    public async Task OneNodeRewritesPerIntervalWhateverTheNumberOfNodes()
    {
        await using var redis = await AofRedis.StartAsync();
        using var connection = new RedisConnection(redis.ConnectionString, NullLogger<RedisConnection>.Instance);
        var prefix = $"aof{Guid.NewGuid():n}:";
        var clock = new ManualClock(T0);
        var store = RedisLiveStoreTests.Create(connection, prefix);
        var (node1, node2) = (Compaction(connection, prefix, clock), Compaction(connection, prefix, clock));

        await EndedChatAsync(store, "a");
        clock.Advance(TimeSpan.FromMinutes(16));
        Assert.Equal(AofCompactionOutcome.Rewritten, await node1.CompactIfDueAsync());
        await EndedChatAsync(store, "b");
        clock.Advance(TimeSpan.FromMinutes(16));
        Assert.Equal(AofCompactionOutcome.LeaseHeld, await node2.CompactIfDueAsync());
        Assert.Equal(AofCompactionOutcome.LeaseHeld, await node1.CompactIfDueAsync());
        Assert.Equal("1", await redis.InfoAsync("aof_rewrites"));
    }

    [Fact]
    public async Task WithoutAnAppendOnlyFileNothingIsRewrittenAndNothingIsSaid()
    {
        await using var redis = await AofRedis.StartAsync("--appendonly no");
        using var connection = new RedisConnection(redis.ConnectionString, NullLogger<RedisConnection>.Instance);
        var prefix = $"aof{Guid.NewGuid():n}:";
        var clock = new ManualClock(T0);
        var logs = new CapturedLogs();
        await EndedChatAsync(RedisLiveStoreTests.Create(connection, prefix), "a");
        clock.Advance(TimeSpan.FromMinutes(16));
        Assert.Equal(AofCompactionOutcome.AofOff, await Compaction(connection, prefix, clock, logs).CompactIfDueAsync());
        Assert.Equal("0", await redis.InfoAsync("aof_rewrites"));
        Assert.DoesNotContain(logs.Lines, l => l.StartsWith("Warning") || l.StartsWith("Error"));
    }

    [Fact]
    public async Task ARedisThatRefusesTheRewriteGetsOneWarningThatSaysWhatToDo()
    {
        // As on a managed Redis that renames or disables the command.
        await using var redis = await AofRedis.StartAsync("--rename-command BGREWRITEAOF \"\"");
        using var connection = new RedisConnection(redis.ConnectionString, NullLogger<RedisConnection>.Instance);
        var prefix = $"aof{Guid.NewGuid():n}:";
        var clock = new ManualClock(T0);
        var logs = new CapturedLogs();
        var store = RedisLiveStoreTests.Create(connection, prefix);
        var compaction = Compaction(connection, prefix, clock, logs);
        await EndedChatAsync(store, "a");
        clock.Advance(TimeSpan.FromMinutes(16));
        Assert.Equal(AofCompactionOutcome.Refused, await compaction.CompactIfDueAsync());
        await connection.Db.KeyDeleteAsync(new RedisKeys(prefix).CompactLease); // the next interval
        Assert.Equal(AofCompactionOutcome.Refused, await compaction.CompactIfDueAsync());

        var warning = Assert.Single(logs.Lines, l => l.StartsWith("Warning"));
        Assert.Contains("BGREWRITEAOF", warning);
        Assert.Contains("+bgrewriteaof", warning);
    }

    [Fact]
    public async Task TheCompactIntervalIsValidatedAtStart()
    {
        await using var redis = await AofRedis.StartAsync();
        foreach (var bad in new[] { "00:00:00", "00:00:10", "7.00:00:00" })
        {
            using var app = new ChatApp(new() { ["ConnectionStrings:Redis"] = redis.ConnectionString, ["Redis:CompactInterval"] = bad });
            var refused = Assert.ThrowsAny<Exception>(() => app.Server);
            Assert.Contains("CompactInterval", refused.ToString());
        }
    }

    private static AofCompaction Compaction(RedisConnection connection, string prefix, TimeProvider clock, CapturedLogs? logs = null) =>
        new(connection, new NodeIdentity(), Options.Create(new RedisOptions { KeyPrefix = prefix, CompactInterval = TimeSpan.FromMinutes(1) }),
            clock, LoggerFactory.Create(b => b.AddProvider(logs ?? new CapturedLogs())).CreateLogger<AofCompaction>());

    /// <summary>A chat that got one message and ended at the clock's time (the store's grace period: 15 minutes).</summary>
    private static async Task EndedChatAsync(ILiveStore store, string id)
    {
        await store.AddQueuedAsync(new ChatSession
        {
            SessionId = id, ConversationId = "c-" + id, ResumeTokenHash = "h-" + id,
            Visitor = new VisitorProfile("unspecified", "any", null, null, "nl"), RequestedAt = T0,
        });
        await store.AppendAsync("c-" + id, "visitor", "m1", "text of " + id, T0);
        await store.TryEndAsync(id, "visitor", T0, LiveStoreContract.Grace);
    }
}

/// <summary>
/// A redis-server of one test, persisting in a temp folder whose files the test reads. RDB compression is off so that a
/// rewritten file (an RDB preamble) holds strings as they are and a search for a text finds it.
/// </summary>
internal sealed class AofRedis : IAsyncDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "chat-redis-aof", Guid.NewGuid().ToString("n"));
    private readonly Process _process;
    private readonly int _port;

    private AofRedis(Process process, int port) => (_process, _port) = (process, port);

    public string ConnectionString => $"127.0.0.1:{_port},abortConnect=false";

    public static async Task<AofRedis> StartAsync(string extra = "")
    {
        var port = ServerProcess.FreePort();
        var exe = File.Exists("/usr/bin/redis-server") ? "/usr/bin/redis-server" : "redis-server";
        var process = new Process
        {
            StartInfo = new ProcessStartInfo(exe, "") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false },
            EnableRaisingEvents = true,
        };
        var redis = new AofRedis(process, port);
        Directory.CreateDirectory(redis._dir);
        process.StartInfo.Arguments = $"--port {port} --bind 127.0.0.1 --dir {redis._dir} --appendfsync always --save \"\" " +
                                      $"--rdbcompression no --appendonly yes {extra}";
        var ready = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        process.OutputDataReceived += (_, e) => { if (e.Data?.Contains("Ready to accept connections") == true) ready.TrySetResult(); };
        process.Exited += (_, _) => ready.TrySetException(new InvalidOperationException("redis-server exited"));
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        await ready.Task.WaitAsync(TimeSpan.FromSeconds(20));
        return redis;
    }

    /// <summary>True when any file under the server's folder (the append-only folder and its manifest) holds the text.</summary>
    public bool FilesContain(string text)
    {
        var needle = Encoding.UTF8.GetBytes(text);
        return Directory.EnumerateFiles(_dir, "*", SearchOption.AllDirectories)
            .Any(f => File.ReadAllBytes(f).AsSpan().IndexOf(needle) >= 0);
    }

    /// <summary>One field of INFO persistence.</summary>
    public async Task<string?> InfoAsync(string field)
    {
        using var connection = new RedisConnection(ConnectionString, NullLogger<RedisConnection>.Instance);
        var info = (string?)await connection.Db.ExecuteAsync("INFO", "persistence") ?? "";
        return info.Split('\n').Select(l => l.Trim()).FirstOrDefault(l => l.StartsWith(field + ":"))?[(field.Length + 1)..];
    }

    public async ValueTask DisposeAsync()
    {
        _process.Kill(entireProcessTree: true);
        await _process.WaitForExitAsync();
        _process.Dispose();
        try { Directory.Delete(_dir, recursive: true); } catch (IOException) { /* best effort */ }
    }
}
