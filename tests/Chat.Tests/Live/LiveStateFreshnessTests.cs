using System.Text.Json;
using Chat.Tests.Infrastructure;

namespace Chat.Tests.Live;

/// <summary>
/// The embedded live-state file across restarts, in process with a clock moved by hand: it carries the time it was
/// written, a copy older than Chat:GracePeriod put back is refused (nothing restored, its resume token reads nothing),
/// the timeouts of what it restores count from that time, and every file holding secrets is the server user's only.
/// </summary>
public sealed class LiveStateFreshnessTests : IDisposable
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 3, 10, 0, 0, TimeSpan.Zero);
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "chat-tests", Guid.NewGuid().ToString("n"));
    private string State => Path.Combine(_dir, "live-state.bin");

    public LiveStateFreshnessTests() => Directory.CreateDirectory(_dir);

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try { Directory.Delete(_dir, recursive: true); } catch (IOException) { /* best effort */ }
    }

    private ChatApp App(TimeSpan at) => new(new()
    {
        ["ConnectionStrings:Records"] = $"Data Source={Path.Combine(_dir, "chat.db")}",
        ["DataProtection:KeysPath"] = Path.Combine(_dir, "keys"),
    }) { Clock = new ManualClock(T0 + at) };

    /// <summary>A running chat with a message, kept at the planned stop at T0 + at: the visitor's resume token.</summary>
    private async Task<string> KeepARunningChatAsync(TimeSpan at)
    {
        await using var app = App(at);
        await using var expert = await app.ExpertAsync(1);
        await using var visitor = await app.VisitorAsync();
        var token = (await visitor.StartAsync()).ResumeToken!;
        await expert.Inbox.Next("ChatAssigned");
        await visitor.SendAsync("v1", "Dit mag nooit terugkomen");
        await expert.Inbox.Until("MessageReceived", m => m.GetProperty("clientMessageId").GetString() == "v1");
        return token;
    }

    private static async Task<JsonElement> ResumeAsync(ChatApp app, string token)
    {
        await using var v = await app.VisitorAsync();
        return await v.Hub.InvokeAsync<JsonElement>("Resume", token, 0);
    }

    [Fact]
    public async Task AnOlderCopyPutBackIsRefusedAndItsTokenReadsNothing()
    {
        var token = await KeepARunningChatAsync(TimeSpan.Zero);
        Assert.True(File.Exists(State));
        var oldCopy = await File.ReadAllBytesAsync(State);

        // The next start (a minute later) takes it back; the visitor leaves; the stop keeps a newer file.
        await using (var second = App(TimeSpan.FromMinutes(1)))
        {
            var resumed = await ResumeAsync(second, token);
            Assert.Equal("active", resumed.GetProperty("status").GetString()); // a fresh file is restored
            await using var v = await second.VisitorAsync();
            await v.Hub.InvokeAsync<JsonElement>("Resume", token, 0);
            await v.Hub.InvokeAsync("LeaveChat");
        }

        // Someone puts the old copy back; the server starts 16 minutes after it was written (grace period 15).
        await File.WriteAllBytesAsync(State, oldCopy);
        await using var third = App(TimeSpan.FromMinutes(16));
        var again = await ResumeAsync(third, token);
        var refusedLines = third.Logs.Lines.Where(l => l.Contains("live state", StringComparison.OrdinalIgnoreCase) && l.Contains("too old")).ToList();
        Attacks.AttackTable.Row("embedded mode: an older live-state.bin put back (16 minutes old, grace 15), then the old resume token",
            "the file is refused and deleted; the token reads nothing",
            $"file left: {File.Exists(State)}; refusal lines {refusedLines.Count}; resume {again.GetProperty("status").GetString()} with {again.GetProperty("messages").GetArrayLength()} message(s)");
        Assert.False(File.Exists(State), "the refused copy is deleted");
        Assert.Single(refusedLines);
        Assert.DoesNotContain("Dit mag", refusedLines[0]);
        Assert.NotEqual("active", again.GetProperty("status").GetString());
        Assert.Empty(again.GetProperty("messages").EnumerateArray());
        Assert.DoesNotContain(third.Logs.Lines, l => l.Contains("Live state restored"));
    }

    [Fact]
    public async Task TheTimeoutsOfARestoredChatCountFromWhenTheFileWasWritten()
    {
        var token = await KeepARunningChatAsync(TimeSpan.Zero);
        // 11 minutes later (within the 15-minute grace, past Chat:VisitorAbsentEnd of 10): restored, and the first
        // sweep ends the chat whose visitor has been away since the file was written.
        await using var app = App(TimeSpan.FromMinutes(11));
        _ = app.Server;
        Assert.Contains(app.Logs.Lines, l => l.Contains("Live state restored"));
        await app.Sweeper.SweepAsync();
        await app.Sweeper.SweepAsync();
        var resumed = await ResumeAsync(app, token);
        Assert.Equal("ended", resumed.GetProperty("status").GetString());
    }

    [Fact]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public async Task FilesThatHoldSecretsAreTheServerUsersOnly()
    {
        if (OperatingSystem.IsWindows()) return;
        const UnixFileMode file = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        const UnixFileMode folder = file | UnixFileMode.UserExecute;
        var keys = Path.Combine(_dir, "keys");
        // Left by an older version with the usual umask: set right at start.
        Directory.CreateDirectory(keys);
        File.SetUnixFileMode(keys, folder | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);
        var oldKey = Path.Combine(keys, "key-old.xml");
        await File.WriteAllTextAsync(oldKey, "<key/>");
        File.SetUnixFileMode(oldKey, file | UnixFileMode.GroupRead | UnixFileMode.OtherRead);

        await KeepARunningChatAsync(TimeSpan.Zero); // creates the records (WAL) and a key, signs in, keeps the live state
        var db = Path.Combine(_dir, "chat.db");
        var made = new[] { db, State }.Concat(new[] { db + "-wal", db + "-shm" }.Where(File.Exists)).Concat(Directory.GetFiles(keys)).ToList();
        Attacks.AttackTable.Row("file modes of the records, the live state and the keys (an old key left 0644 by an older version)",
            "0600 files, 0700 keys folder, set at start",
            string.Join(", ", made.Select(f => $"{Path.GetFileName(f)} {Convert.ToString((int)File.GetUnixFileMode(f), 8)}")) + $"; keys/ {Convert.ToString((int)File.GetUnixFileMode(keys), 8)}");
        Assert.Contains(Directory.GetFiles(keys), k => k != oldKey); // the framework wrote its key
        Assert.All(made, f => Assert.True(File.GetUnixFileMode(f) == file, $"{Path.GetFileName(f)}: {File.GetUnixFileMode(f)}"));
        Assert.Equal(folder, File.GetUnixFileMode(keys));

        // An existing records file readable by others is set to 0600 at the next start; the WAL files follow it.
        File.SetUnixFileMode(db, file | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
        await using var again = App(TimeSpan.FromMinutes(1));
        _ = again.Server;
        await using var v = await again.VisitorAsync();
        await v.StartAsync();
        Assert.Equal(file, File.GetUnixFileMode(db));
        Assert.All(new[] { db + "-wal", db + "-shm" }.Where(File.Exists), f => Assert.Equal(file, File.GetUnixFileMode(f)));
        var journal = await ReadJournalModeAsync(db);
        Assert.Equal("wal", journal);
    }

    private static async Task<string> ReadJournalModeAsync(string db)
    {
        await using var c = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={db};Pooling=false");
        await c.OpenAsync();
        await using var cmd = c.CreateCommand();
        cmd.CommandText = "PRAGMA journal_mode;";
        return (string)(await cmd.ExecuteScalarAsync())!;
    }
}
