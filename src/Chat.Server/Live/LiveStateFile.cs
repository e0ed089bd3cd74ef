using System.Text.Json;
using Chat.Server.Conversations;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Options;

namespace Chat.Server.Live;

/// <summary>
/// Embedded mode across a planned restart (SIGTERM, an upgrade): when the host has stopped, the in-process live state
/// (queue, running chats and their messages, experts' presence) is written to one file, encrypted with Data Protection;
/// at the next start it is read back before any connection is taken and the file is deleted at once. Visitors keep
/// their place and running chats go on when both sides reconnect (the clients reconnect and Resume / GetState by
/// themselves). Never left behind: a file that cannot be read (other keys, damaged) is deleted too. The file carries the
/// time it was written (inside the protected payload) and is refused when older than <c>Chat:GracePeriod</c>; the
/// timeouts of what it held count from that time, so an old copy put back cannot bring a chat (or its transcript) back.
/// File 0600, folder 0700 (Storage/OwnerOnlyFiles.cs).
/// </summary>
public sealed class LiveStateFile(
    InMemoryLiveStore store,
    ConnectionTracker connections,
    Abuse.IAbuseStore abuse,
    Abuse.IAddressKeys addressKeys,
    Accounts.InMemorySessionStore signIns,
    IDataProtectionProvider protection,
    IOptions<ChatOptions> options,
    IConfiguration config,
    IHostEnvironment env,
    TimeProvider time,
    ILogger<LiveStateFile> logger)
{
    private const string Purpose = "Chat.LiveState.v1";

    /// <summary>
    /// Chat:LiveStateFile, or live-state.bin beside the SQLite records file, or (records elsewhere) beside the
    /// data-protection keys folder (default data/).
    /// </summary>
    public string Path
    {
        get
        {
            if (options.Value.LiveStateFile is { Length: > 0 } configured) return Full(configured);
            var records = config.GetConnectionString("Records");
            if (config["Records:Provider"] is not { } provider || provider.Equals("Sqlite", StringComparison.OrdinalIgnoreCase))
            {
                try
                {
                    var source = new SqliteConnectionStringBuilder(records ?? "Data Source=data/chat.db").DataSource;
                    if (source is { Length: > 0 } && source != ":memory:")
                        return System.IO.Path.Combine(System.IO.Path.GetDirectoryName(Full(source)) ?? ".", "live-state.bin");
                }
                catch (ArgumentException) { /* not a SQLite connection string: the default below */ }
            }
            var keys = Full(config["DataProtection:KeysPath"] is { Length: > 0 } k ? k : "data/keys");
            return System.IO.Path.Combine(System.IO.Path.GetDirectoryName(keys.TrimEnd(System.IO.Path.DirectorySeparatorChar)) ?? ".", "live-state.bin");
        }
    }

    private string Full(string path) => System.IO.Path.GetFullPath(path, env.ContentRootPath);

    /// <summary>After the host stopped (every connection closed): the state, encrypted, to the file.</summary>
    public void Save()
    {
        if (!options.Value.KeepLiveStateOnRestart) return;
        var now = time.GetUtcNow();
        var snapshot = store.Export() with
        {
            AddressKeys = (addressKeys as Abuse.InMemoryAddressKeys)?.Export(),
            Blocks = (abuse as Abuse.InMemoryAbuseStore)?.ExportBlocks(),
            Counts = (abuse as Abuse.InMemoryAbuseStore)?.ExportCounts(now),
            SignIns = signIns.Export(), // the console stays signed in across the restart
            WrittenAt = now,
        };
        // The per-address limits count too: a script must not get a fresh hour of starts from a restart.
        var startsThisHour = snapshot.StartsByAddress.Values.Any(starts => starts.Any(t => t > now.AddHours(-1)));
        if (snapshot.Sessions.Count == 0 && snapshot.Experts.All(e => !e.OnShift) && snapshot.Blocks is null or { Count: 0 }
            && !startsThisHour && snapshot.Counts is null or { Count: 0 } && snapshot.SignIns is null or { Count: 0 }) return;
        var path = Path;
        try
        {
            var bytes = protection.CreateProtector(Purpose).Protect(JsonSerializer.SerializeToUtf8Bytes(snapshot, RedisLiveStore.Json));
            Storage.OwnerOnlyFiles.CreateFolder(System.IO.Path.GetDirectoryName(path)!);
            var temp = path + ".tmp";
            Storage.OwnerOnlyFiles.Write(temp, bytes); // 0600 from the start
            File.Move(temp, path, overwrite: true); // whole or not at all
            logger.LogInformation("Live state kept for the restart: {Sessions} chats, {Experts} experts", snapshot.Sessions.Count, snapshot.Experts.Count);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or System.Security.Cryptography.CryptographicException)
        {
            logger.LogError("Could not keep the live state for the restart ({Error}): waiting visitors must start again", ex.GetType().Name);
        }
    }

    /// <summary>At start, before connections: read back, delete, and restore. Returns the number of chats restored.</summary>
    public int Restore()
    {
        var path = Path;
        if (!Directory.Exists(System.IO.Path.GetDirectoryName(path))) return 0; // a first start: nothing was kept
        File.Delete(path + ".tmp"); // a write the stop did not finish
        if (!File.Exists(path)) return 0;
        LiveSnapshot? snapshot = null;
        try
        {
            var bytes = protection.CreateProtector(Purpose).Unprotect(File.ReadAllBytes(path));
            snapshot = JsonSerializer.Deserialize<LiveSnapshot>(bytes, RedisLiveStore.Json);
        }
        catch (Exception ex) when (ex is System.Security.Cryptography.CryptographicException or JsonException or IOException)
        {
            logger.LogWarning("The kept live state could not be read ({Error}) and is deleted", ex.GetType().Name);
        }
        finally
        {
            File.Delete(path);
        }
        if (snapshot is null) return 0;
        var now = time.GetUtcNow();
        // A copy older than the grace period (or from before the file carried its time) is refused: put back later, it
        // would bring ended chats and their transcripts back.
        if (snapshot.WrittenAt is not { } written || written < now - options.Value.GracePeriod || written > now + TimeSpan.FromMinutes(5))
        {
            logger.LogWarning("The kept live state is too old (older than Chat:GracePeriod) and is deleted");
            return 0;
        }
        // Nobody has been connected since it was written: every grace (a visitor's reconnect, an expert's) counts from then.
        store.Import(snapshot with
        {
            Experts = snapshot.Experts.Select(e => e with { Connected = false, ChangedAt = written }).ToList(),
        });
        connections.Restored(snapshot.Sessions.Where(s => s.State != ChatState.Ended).Select(s => s.SessionId), written);
        if (snapshot.AddressKeys is { } keys) (addressKeys as Abuse.InMemoryAddressKeys)?.Import(keys);
        foreach (var block in snapshot.Blocks?.Where(b => b.Until > now) ?? []) abuse.AddBlockAsync(block).GetAwaiter().GetResult();
        if (snapshot.Counts is { } counts) (abuse as Abuse.InMemoryAbuseStore)?.ImportCounts(counts, now);
        signIns.Import(snapshot.SignIns);
        logger.LogInformation("Live state restored after a restart: {Sessions} chats, {Experts} experts", snapshot.Sessions.Count, snapshot.Experts.Count);
        return snapshot.Sessions.Count;
    }
}
