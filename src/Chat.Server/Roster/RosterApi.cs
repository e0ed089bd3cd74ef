using System.Globalization;
using System.Security.Claims;
using System.Text.RegularExpressions;
using Chat.Server.Accounts;
using Chat.Server.ContactForms;
using Chat.Server.Storage;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;

namespace Chat.Server.Roster;

/// <summary>
/// The roster: the coordinator plans shifts per expert; experts and coordinators read it. Planning never opens the chat
/// (somebody on shift does); it tells visitors when to come back and keeps new chats away near a shift's end.
/// </summary>
public static partial class RosterApi
{
    public static readonly TimeSpan MaxShift = TimeSpan.FromHours(12);
    public const int MaxRepeatWeeks = 26;
    public const int MaxDays = 62;

    /// <param name="UserName">The expert's user name (coordinators only; null for experts, who see display names).</param>
    /// <param name="SeriesId">Shared by the weekly copies made by one request (null for a single shift).</param>
    /// <param name="Mine">The shift is the caller's own.</param>
    public sealed record RosterShiftDto(long Id, string? UserName, string DisplayName, DateTimeOffset Start, DateTimeOffset End,
        long? SeriesId, bool Mine);

    public sealed record CreatedShifts(long Id, string UserName, string DisplayName, DateTimeOffset Start, DateTimeOffset End,
        long? SeriesId, IReadOnlyList<RosterShiftDto> Copies);

    public sealed record DeletedShifts(IReadOnlyList<long> Deleted);

    /// <param name="Start">An instant with its offset, e.g. 2026-12-03T19:00:00+01:00.</param>
    /// <param name="RepeatWeeks">Weekly copies after the first (0..26), at the same local time in the reporting zone.</param>
    public sealed record CreateShift(string? UserName, string? Start, string? End, int? RepeatWeeks);

    // Writes are checked and stored one at a time on this node, so two quick requests cannot plan an overlap together.
    private static readonly SemaphoreSlim WriteGate = new(1, 1);

    /// <summary>The roster: its options, the planned shifts around now (cached for routing) and the log of shifts really worked.</summary>
    public static IServiceCollection AddRoster(this IServiceCollection services)
    {
        services.AddOptions<RosterOptions>().BindConfiguration(RosterOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<RosterCalendar>();
        services.AddSingleton<ShiftLog>();
        return services;
    }

    public static IEndpointRouteBuilder MapRoster(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/roster").WithTags("Roster")
            .RequireAuthorization(p => p.RequireRole(Roles.Expert, Roles.Coordinator));
        group.MapGet("/", ListAsync);
        group.MapPost("/", CreateAsync).RequireAuthorization(p => p.RequireRole(Roles.Coordinator));
        group.MapDelete("/{id:long}", DeleteAsync).RequireAuthorization(p => p.RequireRole(Roles.Coordinator));
        return app;
    }

    private static async Task<Results<Ok<List<RosterShiftDto>>, ValidationProblem>> ListAsync(
        string? from, string? to, ClaimsPrincipal user, RecordsDbContext db, ReportingZone zone, TimeProvider time)
    {
        var errors = new Dictionary<string, string[]>();
        var today = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(time.GetUtcNow(), zone.Zone).DateTime);
        var fromDay = ParseDay(from, "from", errors) ?? today;
        var toDay = ParseDay(to, "to", errors) ?? fromDay.AddDays(6);
        if (errors.Count == 0 && toDay < fromDay) errors["to"] = ["'to' ligt voor 'from'."];
        if (errors.Count == 0 && toDay.DayNumber - fromDay.DayNumber + 1 > MaxDays) errors["to"] = [$"Vraag hoogstens {MaxDays} dagen tegelijk op."];
        if (errors.Count > 0) return TypedResults.ValidationProblem(errors);

        DateTimeOffset start = zone.StartOfDay(fromDay), end = zone.StartOfDay(toDay.AddDays(1));
        var shifts = await db.PlannedShifts.AsNoTracking().Where(p => p.Start < end && p.End > start).OrderBy(p => p.Start).ToListAsync();
        var ids = shifts.Select(s => s.ExpertId).Distinct().ToList();
        var experts = await db.Users.AsNoTracking().Where(u => ids.Contains(u.Id))
            .Select(u => new { u.Id, u.UserName, u.DisplayName }).ToDictionaryAsync(u => u.Id);
        var coordinator = user.IsInRole(Roles.Coordinator);
        var me = user.FindFirstValue(ClaimTypes.NameIdentifier);
        return TypedResults.Ok(shifts.Select(s =>
        {
            var e = experts.GetValueOrDefault(s.ExpertId);
            return new RosterShiftDto(s.Id, coordinator ? e?.UserName : null, e?.DisplayName ?? "?", Local(s.Start, zone), Local(s.End, zone),
                s.SeriesId, s.ExpertId == me);
        }).ToList());
    }

    private static async Task<Results<Created<CreatedShifts>, ValidationProblem>> CreateAsync(
        CreateShift? body, RecordsDbContext db, UserManager<ChatUser> users, ReportingZone zone, TimeProvider time,
        RosterCalendar calendar, ClaimsPrincipal me)
    {
        var errors = new Dictionary<string, string[]>();
        ChatUser? expert = null;
        if (string.IsNullOrWhiteSpace(body?.UserName)) errors["userName"] = ["Kies een ervaringsdeskundige."];
        else
        {
            expert = await users.FindByNameAsync(body.UserName.Trim());
            if (expert is null || !await users.IsInRoleAsync(expert, Roles.Expert))
                errors["userName"] = ["Onbekende ervaringsdeskundige."];
            else if (!db.InScope(expert.ProjectList))
                errors["userName"] = ["Onbekende ervaringsdeskundige."]; // of another project: not the caller's to plan
            else if (expert.Disabled)
                errors["userName"] = ["Dit account is uitgeschakeld; zet het eerst weer aan."];
        }
        var start = ParseInstant(body?.Start, "start", errors);
        var end = ParseInstant(body?.End, "end", errors);
        var now = time.GetUtcNow();
        if (start is { } s0 && (s0 < now - TimeSpan.FromDays(366) || s0 > now + TimeSpan.FromDays(366)))
            errors["start"] = ["Plan een dienst binnen een jaar van vandaag."];
        if (start is { } s && end is { } e)
        {
            if (e <= s) errors["end"] = ["Het einde ligt na het begin."];
            else if (e - s > MaxShift) errors["end"] = ["Een dienst duurt hoogstens 12 uur."];
        }
        var repeat = body?.RepeatWeeks ?? 0;
        if (repeat is < 0 or > MaxRepeatWeeks) errors["repeatWeeks"] = [$"0 tot en met {MaxRepeatWeeks} weken."];
        if (errors.Count > 0) return TypedResults.ValidationProblem(errors, title: "De dienst klopt niet.");

        var planned = WeeklyCopies(start!.Value, end!.Value, repeat, zone.Zone);
        await WriteGate.WaitAsync();
        try
        {
            // The same expert may not be planned twice at once; a copy that overlaps refuses the whole request.
            DateTimeOffset first = planned[0].Start, last = planned[^1].End;
            var existing = await db.PlannedShifts.AsNoTracking()
                .Where(p => p.ExpertId == expert!.Id && p.Start < last && p.End > first).ToListAsync();
            for (var i = 0; i < planned.Count; i++)
            {
                var (ps, pe) = planned[i];
                var clash = existing.FirstOrDefault(x => x.Start < pe && x.End > ps);
                if (clash is null) continue;
                var when = Describe(clash, zone);
                return TypedResults.ValidationProblem(new Dictionary<string, string[]>
                {
                    [i == 0 ? "start" : "repeatWeeks"] = [i == 0
                        ? $"{expert!.DisplayName} heeft dan al een dienst ({when})."
                        : $"De herhaling in week {i + 1} valt over een dienst die {expert!.DisplayName} al heeft ({when}). Er is niets ingepland."],
                }, title: "De dienst overlapt een andere dienst.");
            }

            await using var tx = await db.Database.BeginTransactionAsync();
            // The shift belongs to the first of the caller's projects that the expert works for (the query filter then shows
            // it to that project's coordinators only; the widget of that project shows it as opening hours).
            var project = expert!.ProjectList.FirstOrDefault(p => db.InScope([p])) ?? "";
            var shifts = planned.Select(p => new PlannedShift { ExpertId = expert!.Id, Start = p.Start, End = p.End, Project = project }).ToList();
            db.PlannedShifts.Add(shifts[0]);
            await db.SaveChangesAsync();
            if (shifts.Count > 1)
            {
                foreach (var p in shifts) p.SeriesId = shifts[0].Id;
                db.PlannedShifts.AddRange(shifts.Skip(1));
                await db.SaveChangesAsync();
            }
            await tx.CommitAsync();
            calendar.Invalidate();

            var myId = users.GetUserId(me);
            RosterShiftDto Dto(PlannedShift p) => new(p.Id, expert!.UserName, expert.DisplayName, Local(p.Start, zone), Local(p.End, zone),
                p.SeriesId, p.ExpertId == myId);
            var head = shifts[0];
            return TypedResults.Created($"/api/roster/{head.Id}", new CreatedShifts(head.Id, expert!.UserName ?? "", expert.DisplayName,
                Local(head.Start, zone), Local(head.End, zone), head.SeriesId, shifts.Skip(1).Select(Dto).ToList()));
        }
        finally
        {
            WriteGate.Release();
        }
    }

    /// <summary><c>?series=true</c>: this shift and the later shifts of its series (earlier ones stay, they were worked).</summary>
    private static async Task<Results<Ok<DeletedShifts>, ProblemHttpResult>> DeleteAsync(
        long id, bool? series, RecordsDbContext db, RosterCalendar calendar)
    {
        var shift = await db.PlannedShifts.FindAsync(id);
        if (shift is null)
            return TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Dienst niet gevonden",
                detail: "Deze dienst bestaat niet (meer): misschien is hij al verwijderd.");
        var gone = series == true && shift.SeriesId is { } sid
            ? await db.PlannedShifts.Where(p => p.SeriesId == sid && p.Start >= shift.Start).ToListAsync()
            : [shift];
        db.PlannedShifts.RemoveRange(gone);
        await db.SaveChangesAsync();
        calendar.Invalidate();
        return TypedResults.Ok(new DeletedShifts(gone.Select(p => p.Id).Order().ToList()));
    }

    /// <summary>
    /// The shift and its weekly copies, each at the same local wall-clock times in <paramref name="zone"/> (19:00-22:00
    /// stays 19:00-22:00 across a DST change, so the instants move by an hour). A local time that does not exist on a
    /// spring-forward night moves to the first valid one after it.
    /// </summary>
    public static List<(DateTimeOffset Start, DateTimeOffset End)> WeeklyCopies(DateTimeOffset start, DateTimeOffset end, int repeatWeeks, TimeZoneInfo zone)
    {
        var localStart = TimeZoneInfo.ConvertTime(start, zone).DateTime;
        var localEnd = TimeZoneInfo.ConvertTime(end, zone).DateTime;
        var list = new List<(DateTimeOffset, DateTimeOffset)> { (start.ToUniversalTime(), end.ToUniversalTime()) };
        for (var w = 1; w <= repeatWeeks; w++)
            list.Add((FromLocal(localStart.AddDays(7 * w), zone), FromLocal(localEnd.AddDays(7 * w), zone)));
        return list;
    }

    private static DateTimeOffset FromLocal(DateTime local, TimeZoneInfo zone)
    {
        local = DateTime.SpecifyKind(local, DateTimeKind.Unspecified);
        while (zone.IsInvalidTime(local)) local = local.AddMinutes(15);
        // An ambiguous time (the autumn night's repeated hour) takes the standard offset, as GetUtcOffset does.
        return new DateTimeOffset(local, zone.GetUtcOffset(local)).ToUniversalTime();
    }

    private static DateTimeOffset Local(DateTimeOffset t, ReportingZone zone) => TimeZoneInfo.ConvertTime(t, zone.Zone);

    private static string Describe(PlannedShift p, ReportingZone zone)
    {
        var nl = CultureInfo.GetCultureInfo("nl-NL");
        DateTimeOffset s = Local(p.Start, zone), e = Local(p.End, zone);
        return $"{s.ToString("dddd d MMMM HH:mm", nl)}-{e.ToString("HH:mm", nl)}";
    }

    private static DateOnly? ParseDay(string? value, string field, Dictionary<string, string[]> errors)
    {
        if (string.IsNullOrEmpty(value)) return null;
        if (DateOnly.TryParseExact(value, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d)) return d;
        errors[field] = ["Een datum als 2026-12-01 (JJJJ-MM-DD)."];
        return null;
    }

    // An offset is required: a bare local time would be read in the server's zone, which may not be the project's.
    [GeneratedRegex(@"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,7})?)?(Z|[+-]\d{2}:\d{2})$")]
    private static partial Regex InstantPattern();

    private static DateTimeOffset? ParseInstant(string? value, string field, Dictionary<string, string[]> errors)
    {
        if (string.IsNullOrWhiteSpace(value)) { errors[field] = ["Vul een tijdstip in."]; return null; }
        if (InstantPattern().IsMatch(value) &&
            DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.None, out var t))
            return t;
        errors[field] = ["Een tijdstip met tijdzone, zoals 2026-12-03T19:00:00+01:00."];
        return null;
    }
}
