using System.Data.Common;
using Chat.Server.Accounts;
using Chat.Server.ContactForms;
using Chat.Server.Storage;
using Microsoft.EntityFrameworkCore;

namespace Chat.Server.Statistics;

/// <summary>
/// The read side of the statistics. Contact tables are counted in the database in one pass over the period
/// (index on OccurredAt); queue figures come from the hourly counters. Nothing is loaded row by row.
/// </summary>
public sealed class StatisticsQueries(RecordsDbContext db, ReportingZone zone, TimeProvider time)
{
    public static readonly (string Key, int Min, int Max, string Nl, string En)[] DurationBands =
    [
        ("0-15", 0, 15, "15 minuten of korter", "15 minutes or less"),
        ("16-30", 16, 30, "16 tot en met 30 minuten", "16 to 30 minutes"),
        ("31-60", 31, 60, "31 tot en met 60 minuten", "31 to 60 minutes"),
        ("60+", 61, int.MaxValue, "meer dan 60 minuten", "more than 60 minutes"),
    ];

    private static readonly Lazy<(string Sql, List<string> Names)> CountsQuery = new(BuildCountsQuery);

    // Built from the code lists only (constants), never from input.
    private static (string, List<string>) BuildCountsQuery()
    {
        var names = new List<string> { "contacts" };
        var parts = new List<string> { "COUNT(*)" };
        foreach (var b in DurationBands)
        {
            names.Add("duration:" + b.Key);
            parts.Add(b.Max == int.MaxValue
                ? $"SUM(CASE WHEN \"DurationMinutes\" >= {b.Min} THEN 1 ELSE 0 END)"
                : $"SUM(CASE WHEN \"DurationMinutes\" BETWEEN {b.Min} AND {b.Max} THEN 1 ELSE 0 END)");
        }
        foreach (var f in ContactCodes.Fields)
        {
            var column = "\"" + char.ToUpperInvariant(f.Name[0]) + f.Name[1..] + "\""; // quoted: SQLite and PostgreSQL alike
            for (var i = 0; i < f.Codes.Count; i++)
            {
                names.Add(f.Name + ":" + f.Codes[i].Key);
                parts.Add(f.Multiple
                    ? $"SUM(CASE WHEN ({column} & {1 << i}) <> 0 THEN 1 ELSE 0 END)"
                    : $"SUM(CASE WHEN {column} = '{f.Codes[i].Key}' THEN 1 ELSE 0 END)");
            }
            if (f.Multiple)
            {
                names.Add(f.Name + ":(none)");
                parts.Add($"SUM(CASE WHEN {column} = 0 THEN 1 ELSE 0 END)");
            }
        }
        var sql = "SELECT " + string.Join(", ", parts) +
                  " FROM \"ContactForms\" WHERE \"OccurredAt\" >= @from AND \"OccurredAt\" < @to";
        return (sql, names);
    }

    /// <summary>
    /// Counts per code straight from the forms, in one pass over the period (optionally one expert's). The report
    /// reads the daily counts instead; this is the reference they are checked against.
    /// </summary>
    public async Task<Dictionary<string, int>> CountsFromFormsAsync(ReportPeriod p, string? expertId = null, CancellationToken ct = default)
    {
        var (sql, names) = CountsQuery.Value;
        if (expertId is not null) sql += " AND \"ExpertId\" = @expert";
        var conn = db.Database.GetDbConnection();
        if (conn.State != System.Data.ConnectionState.Open) await conn.OpenAsync(ct);
        await using var cmd = conn.CreateCommand();
        cmd.CommandText = sql;
        Add(cmd, "@from", p.StartUtc.ToUnixTimeSeconds());
        Add(cmd, "@to", p.EndUtc.ToUnixTimeSeconds());
        if (expertId is not null) Add(cmd, "@expert", expertId);
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        await reader.ReadAsync(ct);
        var counts = new Dictionary<string, int>();
        for (var i = 0; i < names.Count; i++) counts[names[i]] = reader.IsDBNull(i) ? 0 : Convert.ToInt32(reader.GetValue(i));
        return counts;
    }

    private static void Add(DbCommand cmd, string name, object value)
    {
        var p = cmd.CreateParameter();
        p.ParameterName = name;
        p.Value = value;
        cmd.Parameters.Add(p);
    }

    public async Task<StatisticsReport> ReportAsync(ReportPeriod p, string? lang, CancellationToken ct = default)
    {
        var sums = await ContactAggregates.SumAsync(db, p, ct);
        var counts = CountsQuery.Value.Names.ToDictionary(n => n, n => sums.GetValueOrDefault(n));
        var contacts = counts["contacts"];
        var tables = new Dictionary<string, StatTable>
        {
            ["duration"] = new(lang == "en" ? "Duration" : "Duur", false, contacts, 0,
                DurationBands.Select(b => Row(b.Key, lang == "en" ? b.En : b.Nl, counts["duration:" + b.Key], contacts)).ToList()),
        };
        foreach (var f in TableOrder)
            tables[f.Name] = Table(f, counts, contacts, lang);
        return new StatisticsReport(p.From.ToString("yyyy-MM-dd"), p.To.ToString("yyyy-MM-dd"), p.Week, contacts, tables,
            await ChatFiguresAsync(p, ct), await Wellbeing.Feedback.SumAsync(db, p, ct), await TriageFiguresAsync(p, lang, ct),
            await Mailbox.MailboxStatistics.FiguresAsync(db, p, ct));
    }

    public static readonly (string Key, string Nl, string En)[] TierLabels =
    [
        (Conversations.Tiers.Danger, "in gevaar (zelf aangegeven of signaalwoord)", "in danger (said so, or an urgent word)"),
        (Conversations.Tiers.Waited, "lang gewacht", "waited long"),
        (Conversations.Tiers.Normal, "gewoon", "normal"),
    ];

    public static readonly (string Key, string Nl, string En)[] ReasonLabels =
    [
        (Live.Urgency.Answer, "zelf aangegeven: in gevaar", "said they are in danger"),
        (Live.Urgency.Words, "signaalwoord", "urgent word"),
        (Live.Urgency.Waited, "lang gewacht", "waited long"),
    ];

    /// <summary>Waits per tier from the hourly tier counters; reasons crossed with safety from the forms of the period.</summary>
    public async Task<TriageFigures> TriageFiguresAsync(ReportPeriod p, string? lang, CancellationToken ct = default)
    {
        long from = p.StartUtc.ToUnixTimeSeconds(), to = p.EndUtc.ToUnixTimeSeconds();
        var hours = await db.TierHours.Where(h => h.HourStart >= from && h.HourStart < to)
            .GroupBy(h => h.Priority).Select(g => new { Priority = g.Key, Requests = g.Sum(h => h.Requests), Answered = g.Sum(h => h.Answered) })
            .ToListAsync(ct);
        var waits = await db.TierWaits.Where(w => w.HourStart >= from && w.HourStart < to)
            .GroupBy(w => new { w.Priority, w.Bucket }).Select(g => new { g.Key.Priority, g.Key.Bucket, Count = g.Sum(w => w.Count) })
            .ToListAsync(ct);
        var tiers = TierLabels.Select(t =>
        {
            var h = hours.FirstOrDefault(x => x.Priority == t.Key);
            var histogram = new long[QueueCounters.WaitBucketBounds.Length + 1];
            foreach (var w in waits.Where(w => w.Priority == t.Key)) histogram[w.Bucket] = w.Count;
            return new TierFigures(t.Key, lang == "en" ? t.En : t.Nl, h?.Requests ?? 0, h?.Answered ?? 0, Quantile(histogram, 0.5), Quantile(histogram, 0.9));
        }).ToList();
        var fromOffset = p.StartUtc;
        var toOffset = p.EndUtc;
        var crossed = await db.ContactForms.Where(f => f.OccurredAt >= fromOffset && f.OccurredAt < toOffset && f.Urgent != null)
            .GroupBy(f => new { f.Urgent, f.Safety }).Select(g => new { g.Key.Urgent, g.Key.Safety, Count = g.Count() }).ToListAsync(ct);
        var reasons = ReasonLabels.Select(r =>
        {
            var rows = crossed.Where(c => c.Urgent == r.Key).ToList();
            return new ReasonSafety(r.Key, lang == "en" ? r.En : r.Nl, rows.Sum(c => c.Count),
                ContactCodes.Safety.Codes.ToDictionary(c => c.Key, c => rows.Where(x => x.Safety == c.Key).Sum(x => x.Count)));
        }).ToList();
        return new TriageFigures(tiers, reasons);
    }

    /// <summary>The order of the statistics contract: duration first, then these.</summary>
    public static readonly CodeField[] TableOrder =
    [
        ContactCodes.Conversation, ContactCodes.ContactType, ContactCodes.ContactSeeker, ContactCodes.ReferralSources,
        ContactCodes.Support, ContactCodes.ProfessionalHelp, ContactCodes.Safety,
    ];

    /// <summary>
    /// Single choice: "unknown" is counted apart and left out of n. Several choices: n is every contact of the
    /// period, unknown is those with no answer ticked.
    /// </summary>
    private static StatTable Table(CodeField f, Dictionary<string, int> counts, int contacts, string? lang)
    {
        if (f.Multiple)
        {
            var none = counts[f.Name + ":(none)"];
            return new StatTable(f.Label(lang), true, contacts, none,
                f.Codes.Select(c => Row(c.Key, c.Label(lang), counts[f.Name + ":" + c.Key], contacts)).ToList());
        }
        var unknown = f.Has("unknown") ? counts[f.Name + ":unknown"] : 0;
        var n = contacts - unknown;
        return new StatTable(f.Label(lang), false, n, unknown,
            f.Codes.Where(c => c.Key != "unknown").Select(c => Row(c.Key, c.Label(lang), counts[f.Name + ":" + c.Key], n)).ToList());
    }

    private static StatRow Row(string key, string label, int count, int n) => new(key, label, count, Percent(count, n));

    /// <summary>count / n * 100 rounded half up to a whole number, in integers (13 of 53 is 25).</summary>
    public static int Percent(int count, int n) => n <= 0 ? 0 : (int)((200L * count + n) / (2L * n));

    public async Task<ChatFigures> ChatFiguresAsync(ReportPeriod p, CancellationToken ct = default)
    {
        long from = p.StartUtc.ToUnixTimeSeconds(), to = p.EndUtc.ToUnixTimeSeconds();
        var hours = db.QueueHours.Where(h => h.HourStart >= from && h.HourStart < to);
        var sums = (await hours.GroupBy(_ => 1).Select(g => new
        {
            Requests = g.Sum(h => h.Requests), Closed = g.Sum(h => h.RequestsWhileClosed),
            Answered = g.Sum(h => h.Answered), Abandoned = g.Sum(h => h.Abandoned), Blocked = g.Sum(h => h.Blocked),
            Out = g.Sum(h => h.OverflowOut), In = g.Sum(h => h.OverflowIn),
        }).ToListAsync(ct)).FirstOrDefault(); // one group at most: read as a list, so EF Core has no First without OrderBy to warn about
        var buckets = await db.QueueWaits.Where(w => w.HourStart >= from && w.HourStart < to)
            .GroupBy(w => w.Bucket).Select(g => new { Bucket = g.Key, Count = g.Sum(w => w.Count) }).ToListAsync(ct);
        var histogram = new long[QueueCounters.WaitBucketBounds.Length + 1];
        foreach (var b in buckets) histogram[b.Bucket] = b.Count;
        var fromOffset = p.StartUtc;
        var toOffset = p.EndUtc;
        var missing = await db.ContactDrafts.CountAsync(d => d.OccurredAt >= fromOffset && d.OccurredAt < toOffset, ct);
        return new ChatFigures(sums?.Requests ?? 0, sums?.Answered ?? 0, sums?.Abandoned ?? 0,
            Quantile(histogram, 0.5), missing, sums?.Closed ?? 0, Quantile(histogram, 0.9), sums?.Blocked ?? 0,
            new OverflowFigures(sums?.Out ?? 0, sums?.In ?? 0));
    }

    /// <summary>A quantile of the wait histogram, interpolated linearly inside its bucket; null without data.</summary>
    public static int? Quantile(long[] histogram, double q)
    {
        var total = histogram.Sum();
        if (total == 0) return null;
        var rank = q * total;
        long before = 0;
        var bounds = QueueCounters.WaitBucketBounds;
        for (var i = 0; i < histogram.Length; i++)
        {
            if (histogram[i] == 0) continue;
            if (before + histogram[i] >= rank)
            {
                double lower = i == 0 ? 0 : bounds[i - 1];
                double upper = i < bounds.Length ? bounds[i] : bounds[^1] * 2;
                var within = (rank - before) / histogram[i];
                return (int)Math.Round(lower + within * (upper - lower));
            }
            before += histogram[i];
        }
        return bounds[^1] * 2;
    }

    public async Task<IReadOnlyList<TrendPoint>> TrendAsync(ReportPeriod lastWeek, int weeks, CancellationToken ct = default)
    {
        var points = new List<TrendPoint>();
        for (var i = weeks - 1; i >= 0; i--)
        {
            var monday = lastWeek.From.AddDays(-7 * i);
            var p = ReportPeriod.Of(monday, monday.AddDays(6), zone, ReportPeriod.WeekName(monday));
            long from = p.StartUtc.ToUnixTimeSeconds(), to = p.EndUtc.ToUnixTimeSeconds();
            var contacts = await db.ContactForms.CountAsync(f => f.OccurredAt >= p.StartUtc && f.OccurredAt < p.EndUtc, ct);
            var q = (await db.QueueHours.Where(h => h.HourStart >= from && h.HourStart < to).GroupBy(_ => 1)
                .Select(g => new { R = g.Sum(h => h.Requests), A = g.Sum(h => h.Answered), X = g.Sum(h => h.Abandoned) })
                .ToListAsync(ct)).FirstOrDefault(); // one group at most (see above)
            points.Add(new TrendPoint(p.Week!, p.From.ToString("yyyy-MM-dd"), p.To.ToString("yyyy-MM-dd"), contacts,
                q?.R ?? 0, q?.A ?? 0, q?.X ?? 0));
        }
        return points;
    }

    public async Task<HeatMap> HeatMapAsync(ReportPeriod p, CancellationToken ct = default)
    {
        long from = p.StartUtc.ToUnixTimeSeconds(), to = p.EndUtc.ToUnixTimeSeconds();
        var requests = Grid<int>();
        var closed = Grid<int>();
        var staffed = Grid<double>();
        foreach (var h in await db.QueueHours.Where(h => h.HourStart >= from && h.HourStart < to).ToListAsync(ct))
        {
            var (d, hour) = Cell(DateTimeOffset.FromUnixTimeSeconds(h.HourStart));
            requests[d][hour] += h.Requests + h.RequestsWhileClosed;
            closed[d][hour] += h.RequestsWhileClosed;
        }
        var start = p.StartUtc;
        var end = p.EndUtc;
        var shifts = await db.Shifts.Where(s => s.StartedAt < end && (s.EndedAt == null || s.EndedAt > start)).ToListAsync(ct);
        var now = time.GetUtcNow(); // an open shift counts until now
        foreach (var s in shifts)
        {
            var a = s.StartedAt < start ? start : s.StartedAt;
            var b = s.EndedAt ?? (now < end ? now : end);
            if (b > end) b = end;
            for (var t = a; t < b;)
            {
                var hourEnd = DateTimeOffset.FromUnixTimeSeconds(QueueCounters.HourOf(t) + 3600);
                var stop = hourEnd < b ? hourEnd : b;
                var (d, hour) = Cell(t);
                staffed[d][hour] += (stop - t).TotalHours;
                t = stop;
            }
        }
        foreach (var row in staffed) for (var i = 0; i < row.Length; i++) row[i] = Math.Round(row[i], 2);
        return new HeatMap(p.From.ToString("yyyy-MM-dd"), p.To.ToString("yyyy-MM-dd"), requests, closed, staffed);
    }

    private (int Day, int Hour) Cell(DateTimeOffset utc)
    {
        var local = TimeZoneInfo.ConvertTime(utc, zone.Zone);
        return (((int)local.DayOfWeek + 6) % 7, local.Hour);
    }

    private static T[][] Grid<T>() => Enumerable.Range(0, 7).Select(_ => new T[24]).ToArray();

    public async Task<IReadOnlyList<ExpertWorkload>> WorkloadAsync(ReportPeriod p, string? onlyExpertId, CancellationToken ct = default)
    {
        var start = p.StartUtc;
        var end = p.EndUtc;
        var forms = db.ContactForms.Where(f => f.OccurredAt >= start && f.OccurredAt < end);
        if (onlyExpertId is not null) forms = forms.Where(f => f.ExpertId == onlyExpertId);
        var perExpert = await forms.GroupBy(f => f.ExpertId).Select(g => new
        {
            ExpertId = g.Key,
            Contacts = g.Count(),
            Chats = g.Count(f => f.ContactType == "website-chat"),
            ChatMinutes = g.Where(f => f.ContactType == "website-chat").Sum(f => f.DurationMinutes),
            OtherMinutes = g.Where(f => f.ContactType != "website-chat").Sum(f => f.DurationMinutes),
        }).ToListAsync(ct);
        var drafts = db.ContactDrafts.Where(d => d.OccurredAt >= start && d.OccurredAt < end);
        if (onlyExpertId is not null) drafts = drafts.Where(d => d.ExpertId == onlyExpertId);
        var missing = await drafts.GroupBy(d => d.ExpertId).Select(g => new { ExpertId = g.Key, Count = g.Count() }).ToListAsync(ct);
        long hourFrom = start.ToUnixTimeSeconds(), hourTo = end.ToUnixTimeSeconds();
        var takenRows = db.ChatsTakenHours.Where(t => t.HourStart >= hourFrom && t.HourStart < hourTo);
        if (onlyExpertId is not null) takenRows = takenRows.Where(t => t.ExpertId == onlyExpertId);
        var taken = await takenRows.GroupBy(t => t.ExpertId).Select(g => new { ExpertId = g.Key, Count = g.Sum(t => t.Count) })
            .ToDictionaryAsync(x => x.ExpertId, x => x.Count, ct);
        var shifts = db.Shifts.Where(s => s.StartedAt < end && (s.EndedAt == null || s.EndedAt > start));
        if (onlyExpertId is not null) shifts = shifts.Where(s => s.ExpertId == onlyExpertId);
        var now = time.GetUtcNow(); // an open shift counts until now
        var shiftHours = (await shifts.ToListAsync(ct)).GroupBy(s => s.ExpertId).ToDictionary(g => g.Key, g => g.Sum(s =>
        {
            var a = s.StartedAt < start ? start : s.StartedAt;
            var b = s.EndedAt ?? now;
            if (b > end) b = end;
            return Math.Max(0, (b - a).TotalHours);
        }));
        var planned = db.PlannedShifts.Where(s => s.Start < end && s.End > start);
        if (onlyExpertId is not null) planned = planned.Where(s => s.ExpertId == onlyExpertId);
        var plannedHours = (await planned.ToListAsync(ct)).GroupBy(s => s.ExpertId).ToDictionary(g => g.Key, g => g.Sum(s =>
            ((s.End > end ? end : s.End) - (s.Start < start ? start : s.Start)).TotalHours));

        var experts = await (from u in db.Users
                             join ur in db.UserRoles on u.Id equals ur.UserId
                             join r in db.Roles on ur.RoleId equals r.Id
                             where r.Name == Roles.Expert && (onlyExpertId == null || u.Id == onlyExpertId)
                             select new { u.Id, u.DisplayName, u.Projects }).Distinct().ToListAsync(ct);
        // The experts of the caller's projects only (records are scoped by the context; accounts here).
        experts = experts.Where(e => db.InScope(e.Projects.Split(',', StringSplitOptions.RemoveEmptyEntries))).ToList();
        return experts.OrderBy(e => e.DisplayName, StringComparer.CurrentCulture).Select(e =>
        {
            var w = perExpert.FirstOrDefault(x => x.ExpertId == e.Id);
            return new ExpertWorkload(e.Id, e.DisplayName, w?.Contacts ?? 0, w?.Chats ?? 0, w?.ChatMinutes ?? 0, w?.OtherMinutes ?? 0,
                missing.FirstOrDefault(m => m.ExpertId == e.Id)?.Count ?? 0, Math.Round(shiftHours.GetValueOrDefault(e.Id), 1),
                Math.Round(plannedHours.GetValueOrDefault(e.Id), 1), taken.GetValueOrDefault(e.Id));
        }).ToList();
    }
}
