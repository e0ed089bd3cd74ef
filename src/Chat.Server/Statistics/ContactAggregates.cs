using Chat.Server.ContactForms;
using Chat.Server.Storage;
using Microsoft.EntityFrameworkCore;

namespace Chat.Server.Statistics;

/// <summary>
/// Per local day and per answer code, how many forms: kept in the same transaction as every form insert
/// (see <see cref="ContactCountsInterceptor"/>), so a report of any period of
/// whole days sums at most one row per day and code, however many forms are stored (a year: ~20k rows).
/// Days are local to the reporting time zone; when that setting changes, the counts are rebuilt at start.
/// </summary>
public static class ContactAggregates
{
    public const string ZoneSetting = "aggregates.zone";

    /// <summary>The keys one form adds to: the same names the report reads (e.g. "support:listening-ear").</summary>
    public static IEnumerable<string> KeysOf(ContactForm f)
    {
        yield return "contacts";
        foreach (var b in StatisticsQueries.DurationBands)
            if (f.DurationMinutes >= b.Min && f.DurationMinutes <= b.Max) yield return "duration:" + b.Key;
        foreach (var field in ContactCodes.Fields)
        {
            if (field.Multiple)
            {
                var mask = field == ContactCodes.ReferralSources ? f.ReferralSources
                    : field == ContactCodes.Support ? f.Support : f.ProfessionalHelp;
                if (mask == 0) yield return field.Name + ":(none)";
                foreach (var k in field.Keys(mask)) yield return field.Name + ":" + k;
            }
            else
            {
                var value = field == ContactCodes.Conversation ? f.Conversation
                    : field == ContactCodes.ContactType ? f.ContactType
                    : field == ContactCodes.ContactSeeker ? f.ContactSeeker : f.Safety;
                yield return field.Name + ":" + value;
            }
        }
    }

    public static int DayOf(DateTimeOffset utc, ReportingZone zone)
    {
        var local = TimeZoneInfo.ConvertTime(utc, zone.Zone);
        return local.Year * 10000 + local.Month * 100 + local.Day;
    }

    public static int DayOf(DateOnly d) => d.Year * 10000 + d.Month * 100 + d.Day;

    /// <summary>Adds the forms' counts (inside the caller's transaction).</summary>
    public static async Task AddAsync(RecordsDbContext db, IEnumerable<ContactForm> forms, ReportingZone zone, CancellationToken ct)
    {
        var increments = forms.SelectMany(f => KeysOf(f).Select(k => (f.Project, Day: DayOf(f.OccurredAt, zone), Key: k)))
            .GroupBy(x => x).Select(g => (g.Key.Project, g.Key.Day, g.Key.Key, Count: g.Count()));
        foreach (var (project, day, key, count) in increments)
            await db.Database.ExecuteSqlRawAsync(
                "INSERT INTO \"ContactDayCounts\" (\"Project\", \"Day\", \"Key\", \"Count\") VALUES ({3}, {0}, {1}, {2}) " +
                "ON CONFLICT (\"Project\", \"Day\", \"Key\") DO UPDATE SET \"Count\" = \"ContactDayCounts\".\"Count\" + excluded.\"Count\";",
                [day, key, count, project], ct);
    }

    /// <summary>Counts of every key for the days of the period.</summary>
    public static async Task<Dictionary<string, int>> SumAsync(RecordsDbContext db, ReportPeriod p, CancellationToken ct)
    {
        int from = DayOf(p.From), to = DayOf(p.To);
        var rows = await db.ContactDayCounts.Where(c => c.Day >= from && c.Day <= to)
            .GroupBy(c => c.Key).Select(g => new { g.Key, Count = g.Sum(c => c.Count) }).ToListAsync(ct);
        return rows.ToDictionary(r => r.Key, r => r.Count);
    }

    /// <summary>At start: rebuild when the time zone changed since the counts were made, or they are missing.</summary>
    public static async Task EnsureAsync(RecordsDbContext db, ReportingZone zone, ILogger logger, CancellationToken ct = default)
    {
        var stored = await db.Settings.Where(s => s.Key == ZoneSetting).Select(s => s.Value).FirstOrDefaultAsync(ct);
        var missing = stored is null && await db.ContactForms.AnyAsync(ct);
        if (stored == zone.Zone.Id && !missing)
            return;
        if (stored is null && !missing)
        {
            db.Settings.Add(new Setting { Key = ZoneSetting, Value = zone.Zone.Id });
            await db.SaveChangesAsync(ct);
            return;
        }
        logger.LogWarning("Rebuilding the daily contact counts for time zone {Zone}", zone.Zone.Id);
        await RebuildAsync(db, zone, ct);
    }

    /// <summary>Recomputes every count from the forms, in one transaction.</summary>
    public static async Task RebuildAsync(RecordsDbContext db, ReportingZone zone, CancellationToken ct = default)
    {
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        await db.ContactDayCounts.ExecuteDeleteAsync(ct);
        var counts = new Dictionary<(string, int, string), int>();
        await foreach (var f in db.ContactForms.AsNoTracking().AsAsyncEnumerable().WithCancellation(ct))
            foreach (var k in KeysOf(f))
            {
                var key = (f.Project, DayOf(f.OccurredAt, zone), k);
                counts[key] = counts.GetValueOrDefault(key) + 1;
            }
        db.ContactDayCounts.AddRange(counts.Select(c => new ContactDayCount { Project = c.Key.Item1, Day = c.Key.Item2, Key = c.Key.Item3, Count = c.Value }));
        var setting = await db.Settings.FindAsync([ZoneSetting], ct);
        if (setting is null) db.Settings.Add(new Setting { Key = ZoneSetting, Value = zone.Zone.Id });
        else setting.Value = zone.Zone.Id;
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        db.ChangeTracker.Clear();
    }
}

public sealed class ContactDayCount : Tenancy.IProjectRecord
{
    public string Project { get; set; } = Projects.Default;
    /// <summary>Local date as yyyymmdd.</summary>
    public int Day { get; set; }
    public string Key { get; set; } = "";
    public int Count { get; set; }
}

public sealed class Setting
{
    public string Key { get; set; } = "";
    public string Value { get; set; } = "";
}
