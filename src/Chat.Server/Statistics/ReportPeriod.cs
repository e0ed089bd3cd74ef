using System.Globalization;
using System.Text.RegularExpressions;
using Chat.Server.ContactForms;

namespace Chat.Server.Statistics;

/// <summary>A report period of whole local days: [From 00:00, To + 1 day 00:00) in the project's time zone.</summary>
public sealed record ReportPeriod(DateOnly From, DateOnly To, DateTimeOffset StartUtc, DateTimeOffset EndUtc, string? Week = null)
{
    public static readonly int MaxYears = 5;

    public static ReportPeriod Of(DateOnly from, DateOnly to, ReportingZone zone, string? week = null) =>
        new(from, to, zone.StartOfDay(from), zone.StartOfDay(to.AddDays(1)), week);

    public static string WeekName(DateOnly day) => $"{ISOWeek.GetYear(day.ToDateTime(TimeOnly.MinValue))}-W{ISOWeek.GetWeekOfYear(day.ToDateTime(TimeOnly.MinValue)):00}";

    /// <summary>Parses <c>from</c> and <c>to</c> (YYYY-MM-DD, both required, inclusive); errors name the parameter.</summary>
    public static ReportPeriod? Parse(string? from, string? to, ReportingZone zone, Dictionary<string, string[]> errors)
    {
        var f = Date(from, "from", errors);
        var t = Date(to, "to", errors);
        if (f is null || t is null) return null;
        if (f > t) { errors["from"] = ["'from' ligt na 'to'."]; return null; }
        if (t.Value > f.Value.AddYears(MaxYears)) { errors["to"] = [$"De periode is langer dan {MaxYears} jaar."]; return null; }
        return Of(f.Value, t.Value, zone);
    }

    private static readonly Regex WeekPattern = new(@"^(\d{4})-W(\d{2})$", RegexOptions.CultureInvariant);

    /// <summary>Parses an ISO week such as 2026-W47: Monday 00:00 to the next Monday 00:00, local time.</summary>
    public static ReportPeriod? ParseWeek(string? week, ReportingZone zone, Dictionary<string, string[]> errors)
    {
        var m = WeekPattern.Match(week ?? "");
        if (!m.Success)
        {
            errors["week"] = ["Gebruik de vorm JJJJ-Www, bijvoorbeeld 2026-W47."];
            return null;
        }
        var year = int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture);
        var number = int.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture);
        if (year is < 2000 or > 2100 || number < 1 || number > ISOWeek.GetWeeksInYear(year))
        {
            errors["week"] = [$"Week {week} bestaat niet."];
            return null;
        }
        var monday = DateOnly.FromDateTime(ISOWeek.ToDateTime(year, number, DayOfWeek.Monday));
        return Of(monday, monday.AddDays(6), zone, $"{year}-W{number:00}");
    }

    public static DateOnly? Date(string? value, string name, Dictionary<string, string[]> errors)
    {
        if (string.IsNullOrEmpty(value)) { errors[name] = ["Verplicht, in de vorm JJJJ-MM-DD."]; return null; }
        if (DateOnly.TryParseExact(value, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d)
            && d.Year is >= 2000 and <= 2100)
            return d;
        errors[name] = ["Gebruik de vorm JJJJ-MM-DD."];
        return null;
    }
}
