using Chat.Server.ContactForms;
using Chat.Server.Live;
using Chat.Server.Resources;
using Chat.Server.Statistics;
using Chat.Server.Storage;
using Microsoft.AspNetCore.SignalR;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Chat.Server.Wellbeing;

/// <summary>
/// The visitor's answer to "heeft dit gesprek je geholpen?" after the chat: once per chat, within the grace period,
/// added to the day's counts only (no row per answer; nothing links it to a form or an expert).
/// </summary>
public sealed class Feedback(ILiveStore store, IServiceScopeFactory scopes, ReportingZone zone, TimeProvider time,
    IOptionsMonitor<Conversations.ChatOptions> options)
{
    public static readonly string[] HelpedCodes = ["yes", "somewhat", "no"];

    public async Task GiveAsync(ChatSession? bound, Conversations.FeedbackRequest? r)
    {
        if (r?.Score is { } score && score is < 1 or > 10)
            throw new HubException(HubTextResources.FeedbackScore);
        if (r?.Helped is { } helped && !HelpedCodes.Contains(helped))
            throw new HubException(HubTexts.Format(HubTextResources.UnknownValue, "helped", string.Join(", ", HelpedCodes)));
        if (bound is null) throw new HubException(HubTextResources.FeedbackNoChat);
        var now = time.GetUtcNow();
        var session = await store.GetSessionAsync(bound.SessionId);
        if (session is not { State: ChatState.Ended, EndedAt: { } ended, StartedAt: not null } || now - ended > options.CurrentValue.GracePeriod)
            throw new HubException(HubTextResources.FeedbackTooLate);
        if (r?.Score is null && r?.Helped is null) return; // nothing to count; the question stays open
        if (!await store.TryMarkFeedbackAsync(session.SessionId))
            throw new HubException(HubTextResources.FeedbackGiven);
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<RecordsDbContext>();
        int day = ContactAggregates.DayOf(now, zone), hasScore = r.Score is null ? 0 : 1, sum = r.Score ?? 0;
        int yes = r.Helped == "yes" ? 1 : 0, somewhat = r.Helped == "somewhat" ? 1 : 0, no = r.Helped == "no" ? 1 : 0;
        await db.Database.ExecuteSqlRawAsync(
            "INSERT INTO \"FeedbackDays\" (\"Project\", \"Day\", \"Responses\", \"ScoreCount\", \"ScoreSum\", \"HelpedYes\", \"HelpedSomewhat\", \"HelpedNo\") " +
            "VALUES ({6}, {0}, 1, {1}, {2}, {3}, {4}, {5}) ON CONFLICT (\"Project\", \"Day\") DO UPDATE SET " +
            "\"Responses\" = \"FeedbackDays\".\"Responses\" + 1, \"ScoreCount\" = \"FeedbackDays\".\"ScoreCount\" + excluded.\"ScoreCount\", " +
            "\"ScoreSum\" = \"FeedbackDays\".\"ScoreSum\" + excluded.\"ScoreSum\", \"HelpedYes\" = \"FeedbackDays\".\"HelpedYes\" + excluded.\"HelpedYes\", " +
            "\"HelpedSomewhat\" = \"FeedbackDays\".\"HelpedSomewhat\" + excluded.\"HelpedSomewhat\", \"HelpedNo\" = \"FeedbackDays\".\"HelpedNo\" + excluded.\"HelpedNo\";",
            [day, hasScore, sum, yes, somewhat, no, session.Project]);
    }

    /// <summary>The period's feedback: responses, the average mark (one decimal; null without marks) and the helped split.</summary>
    public static async Task<FeedbackFigures> SumAsync(RecordsDbContext db, ReportPeriod p, CancellationToken ct = default)
    {
        int from = ContactAggregates.DayOf(p.From), to = ContactAggregates.DayOf(p.To);
        var rows = await db.FeedbackDays.AsNoTracking().Where(f => f.Day >= from && f.Day <= to).ToListAsync(ct);
        int marks = rows.Sum(r => r.ScoreCount);
        double? average = marks == 0 ? null : Math.Round((double)rows.Sum(r => r.ScoreSum) / marks, 1, MidpointRounding.AwayFromZero);
        return new FeedbackFigures(rows.Sum(r => r.Responses), average,
            new HelpedSplit(rows.Sum(r => r.HelpedYes), rows.Sum(r => r.HelpedSomewhat), rows.Sum(r => r.HelpedNo)));
    }
}
