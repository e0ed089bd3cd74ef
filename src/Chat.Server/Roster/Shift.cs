using Chat.Server.Storage;
using Microsoft.EntityFrameworkCore;

namespace Chat.Server.Roster;

/// <summary>A stretch of time an expert was on shift (available, paused or in chats). For workload, never ranking.</summary>
public sealed class Shift
{
    public long Id { get; set; }
    public string ExpertId { get; set; } = "";
    public DateTimeOffset StartedAt { get; set; }
    /// <summary>Null while the shift is open.</summary>
    public DateTimeOffset? EndedAt { get; set; }
    /// <summary>Last time the server saw the shift open: closes it after a crash.</summary>
    public DateTimeOffset LastSeenAt { get; set; }
}

/// <summary>Opens and closes shifts as experts change availability (singleton; a scope per call).</summary>
public sealed class ShiftLog(IServiceScopeFactory scopes, ILogger<ShiftLog> logger)
{
    public async Task OnShiftAsync(string expertId, bool onShift, DateTimeOffset at)
    {
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<RecordsDbContext>();
            var open = await db.Shifts.Where(s => s.ExpertId == expertId && s.EndedAt == null).ToListAsync();
            if (onShift && open.Count == 0)
                db.Shifts.Add(new Shift { ExpertId = expertId, StartedAt = at, LastSeenAt = at });
            if (!onShift)
                foreach (var s in open) { s.EndedAt = at; s.LastSeenAt = at; }
            await db.SaveChangesAsync();
        }
        catch (Exception ex)
        {
            logger.LogError(ex, "Could not record the shift of expert {ExpertId}", expertId);
        }
    }

    /// <summary>Marks open shifts as still running (each sweep), so a crash loses at most one sweep interval.</summary>
    public async Task TouchOpenAsync(DateTimeOffset at)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<RecordsDbContext>();
        await db.Shifts.Where(s => s.EndedAt == null).ExecuteUpdateAsync(u => u.SetProperty(s => s.LastSeenAt, at));
    }

    /// <summary>
    /// At start: shifts left open by a stop or crash end when the server last saw them, except those of experts
    /// still on shift in the live store (Redis mode: another node serves them).
    /// </summary>
    public static async Task CloseLeftOpenAsync(RecordsDbContext db, Live.ILiveStore store, ILogger logger)
    {
        HashSet<string> onShift;
        try
        {
            onShift = (await store.GetPresencesAsync()).Where(p => p.OnShift).Select(p => p.ExpertId).ToHashSet();
        }
        catch (Exception ex) when (Conversations.Transient.Is(ex))
        {
            logger.LogWarning("The live store is unreachable at start; open shifts are left as they are ({Error})", ex.GetType().Name);
            return;
        }
        var open = await db.Shifts.Where(s => s.EndedAt == null).ToListAsync();
        foreach (var s in open.Where(s => !onShift.Contains(s.ExpertId))) s.EndedAt = s.LastSeenAt;
        await db.SaveChangesAsync();
    }
}
