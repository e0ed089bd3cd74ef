using Chat.Server.Statistics;
using Chat.Server.Storage;
using Microsoft.EntityFrameworkCore;

namespace Chat.Server.Mailbox;

/// <summary>
/// The mailbox in the statistics: letters received and answered in the period, the median and 80th-percentile time to
/// an answer (whole hours, nearest rank), and threads closed as spam or abuse. Counts only, from the events that outlive
/// the threads; nothing of a letter.
/// </summary>
public static class MailboxStatistics
{
    public static async Task<MailboxFigures> FiguresAsync(RecordsDbContext db, ReportPeriod p, CancellationToken ct = default)
    {
        var events = await db.MailboxEvents.AsNoTracking()
            .Where(e => e.At >= p.StartUtc && e.At < p.EndUtc)
            .Select(e => new { e.Kind, e.Hours }).ToListAsync(ct);
        var hours = events.Where(e => e.Kind == MailboxThreads.Answer).Select(e => e.Hours).ToList();
        return new MailboxFigures(events.Count(e => e.Kind == MailboxThreads.Letter), hours.Count,
            hours.Count == 0 ? null : (int)MailboxApi.Percentile(hours, 0.5), hours.Count == 0 ? null : (int)MailboxApi.Percentile(hours, 0.8),
            events.Count(e => e.Kind == MailboxThreads.Closed));
    }
}
