using Microsoft.Extensions.Options;

namespace Chat.Server.ContactForms;

public sealed class ReportingOptions
{
    public const string Section = "Reporting";
    /// <summary>IANA time zone of the project; days and weeks start at midnight here.</summary>
    public string TimeZone { get; set; } = "Europe/Amsterdam";
}

/// <summary>The project's time zone: where a day starts, for date filters and (later) weekly statistics.</summary>
public sealed class ReportingZone(IOptions<ReportingOptions> options)
{
    public TimeZoneInfo Zone { get; } = Resolve(options.Value.TimeZone);

    /// <summary>Europe/Amsterdam, for code that runs without configuration (benchmarks, tools).</summary>
    public static ReportingZone Default { get; } = new(Options.Create(new ReportingOptions()));

    private static TimeZoneInfo Resolve(string id)
    {
        try { return TimeZoneInfo.FindSystemTimeZoneById(id); }
        catch (TimeZoneNotFoundException)
        {
            throw new InvalidOperationException($"Reporting:TimeZone '{id}' is not a known time zone (use an IANA name such as Europe/Amsterdam).");
        }
    }

    public DateTimeOffset StartOfDay(DateOnly day)
    {
        var local = day.ToDateTime(TimeOnly.MinValue, DateTimeKind.Unspecified);
        // Midnight never falls in a DST gap in Europe/Amsterdam; for zones where it can, take the first valid instant.
        while (Zone.IsInvalidTime(local)) local = local.AddMinutes(30);
        return new DateTimeOffset(local, Zone.GetUtcOffset(local)).ToUniversalTime();
    }
}
