using Chat.Server.Storage;
using Microsoft.EntityFrameworkCore;

namespace Chat.Server.Roster;

/// <summary>
/// The planned shifts around now, read from the records database and kept in memory for a short while (routing asks on
/// every pass; the roster changes rarely). A change made on this node is seen at once (<see cref="Invalidate"/>); one
/// made on another node within <see cref="MaxAge"/>.
/// </summary>
public sealed class RosterCalendar(IServiceScopeFactory scopes, TimeProvider time, ILogger<RosterCalendar> logger)
{
    public static readonly TimeSpan MaxAge = TimeSpan.FromSeconds(30);
    /// <summary>How far the cached window reaches: back for shifts running now, ahead for the next opening (14 days).</summary>
    private static readonly TimeSpan Behind = TimeSpan.FromHours(13), Ahead = TimeSpan.FromDays(15);

    private readonly SemaphoreSlim _gate = new(1, 1);
    private Snapshot? _snapshot;

    private sealed record Snapshot(DateTimeOffset ReadAt, IReadOnlyList<PlannedShift> Shifts);

    public void Invalidate() => _snapshot = null;

    /// <summary>The planned shifts (ordered by start) that overlap [now - 13 h, now + 15 days]; empty when the database is unreachable.</summary>
    public async Task<IReadOnlyList<PlannedShift>> AroundNowAsync()
    {
        var now = time.GetUtcNow();
        if (_snapshot is { } s && now - s.ReadAt < MaxAge && now >= s.ReadAt) return s.Shifts;
        await _gate.WaitAsync();
        try
        {
            if (_snapshot is { } again && now - again.ReadAt < MaxAge && now >= again.ReadAt) return again.Shifts;
            await using var scope = scopes.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<RecordsDbContext>();
            DateTimeOffset from = now - Behind, to = now + Ahead;
            var shifts = await db.PlannedShifts.AsNoTracking().Where(p => p.End > from && p.Start < to).OrderBy(p => p.Start).ToListAsync();
            _snapshot = new Snapshot(now, shifts);
            return shifts;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // Routing goes on without the roster (no shift-end rule) rather than stopping.
            logger.LogWarning("The roster could not be read ({Error})", ex.GetType().Name);
            return _snapshot?.Shifts ?? [];
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>
    /// For each expert with a planned shift running at <paramref name="now"/>: when it ends (shifts that follow on
    /// without a gap count as one).
    /// </summary>
    public async Task<IReadOnlyDictionary<string, DateTimeOffset>> ShiftEndsAsync(DateTimeOffset now)
    {
        var ends = new Dictionary<string, DateTimeOffset>(StringComparer.Ordinal);
        foreach (var group in (await AroundNowAsync()).GroupBy(p => p.ExpertId))
        {
            DateTimeOffset? end = null;
            foreach (var p in group.OrderBy(p => p.Start))
            {
                if (end is null && p.Start <= now && p.End > now) end = p.End;
                else if (end is { } e && p.Start <= e && p.End > e) end = p.End;
            }
            if (end is { } found) ends[group.Key] = found;
        }
        return ends;
    }

    /// <summary>How far ahead <c>nextOpening</c> looks.</summary>
    public static readonly TimeSpan NextOpeningHorizon = TimeSpan.FromDays(14);
    /// <summary>How far ahead <c>upcoming</c> (the planned opening hours) reaches.</summary>
    public static readonly TimeSpan UpcomingHorizon = TimeSpan.FromDays(7);

    /// <summary>The next opening and the week's planned hours for <c>GET /api/status</c>, from the cached roster.</summary>
    /// <param name="project">The project whose planned shifts count (each widget shows its own project's hours).</param>
    public async Task<(DateTimeOffset? NextOpening, IReadOnlyList<OpeningHours> Upcoming)> OpeningsAsync(DateTimeOffset now,
        string project = Storage.Projects.Default)
    {
        var shifts = (await AroundNowAsync()).Where(p => p.Project == project).ToList();
        return (NextOpening(shifts, now), Upcoming(shifts, now));
    }

    /// <summary>
    /// The start of the next planned shift that starts after <paramref name="now"/> (any expert), or null when none starts
    /// within <see cref="NextOpeningHorizon"/>. Per shift, not per merged block: when the chat is closed although a shift is
    /// running (nobody came), a colleague's shift that starts later in that block is still the next chance.
    /// </summary>
    public static DateTimeOffset? NextOpening(IEnumerable<PlannedShift> shifts, DateTimeOffset now)
    {
        DateTimeOffset? next = null;
        foreach (var p in shifts)
            if (p.Start > now && p.Start <= now + NextOpeningHorizon && (next is null || p.Start < next)) next = p.Start;
        return next;
    }

    /// <summary>
    /// The planned opening hours that have not ended yet and start within <see cref="UpcomingHorizon"/>: shifts of all
    /// experts merged where they overlap or follow on without a gap, ordered by start. A block keeps its planned start even
    /// when that is already past (the visitor reads "19:00-22:00", not "20:13-22:00").
    /// </summary>
    public static IReadOnlyList<OpeningHours> Upcoming(IEnumerable<PlannedShift> shifts, DateTimeOffset now)
    {
        var until = now + UpcomingHorizon;
        var blocks = new List<OpeningHours>();
        foreach (var p in shifts.Where(p => p.End > now && p.Start < until && p.End > p.Start).OrderBy(p => p.Start))
        {
            if (blocks.Count > 0 && p.Start <= blocks[^1].End)
            {
                if (p.End > blocks[^1].End) blocks[^1] = blocks[^1] with { End = p.End };
            }
            else blocks.Add(new OpeningHours(p.Start, p.End));
        }
        return blocks;
    }
}

/// <summary>A stretch of planned opening hours (one or more shifts merged).</summary>
public sealed record OpeningHours(DateTimeOffset Start, DateTimeOffset End);
