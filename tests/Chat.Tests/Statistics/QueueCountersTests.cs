using Chat.Server.Statistics;
using Chat.Server.Storage;
using Chat.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace Chat.Tests.Statistics;

/// <summary>
/// The queue counters' one writer commits all increments waiting at that moment in one transaction: none may be lost or
/// counted twice when many arrive at once, each caller's task completes only once its increment is stored, and an
/// increment that cannot be stored completes its caller (statistics never stop a chat), is logged, and costs no other
/// increment of its batch its count.
/// </summary>
public sealed class QueueCountersTests
{
    private static readonly DateTimeOffset At = new(2026, 12, 4, 21, 30, 0, TimeSpan.Zero);

    [Fact]
    public async Task ManyIncrementsAtOnceAreEachCountedOnceAndStoredWhenTheirTaskCompletes()
    {
        await using var app = new ChatApp();
        _ = app.Server; // schema
        var counters = app.Services.GetRequiredService<QueueCounters>();
        var waited = TimeSpan.FromSeconds(20);
        var calls = Enumerable.Range(0, 150).SelectMany(i => new Func<Task>[]
        {
            () => counters.RequestAsync(At, open: true),
            () => counters.AnsweredAsync(At, waited),
            () => counters.TakenAsync(At, "expert-" + i % 3),
            () => counters.WaitEndedAsync(At, "normal", waited),
        }).ToList();
        await Task.WhenAll(calls.Select(c => Task.Run(c)));

        using var scope = app.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<RecordsDbContext>();
        var hour = await db.QueueHours.IgnoreQueryFilters().SingleAsync();
        Assert.Equal((150, 150, 0), (hour.Requests, hour.Answered, hour.Abandoned));
        var bucket = await db.QueueWaits.IgnoreQueryFilters().SingleAsync();
        Assert.Equal((QueueCounters.BucketOf(20), 150), (bucket.Bucket, bucket.Count));
        Assert.Equal([50, 50, 50], (await db.ChatsTakenHours.IgnoreQueryFilters().OrderBy(t => t.ExpertId).ToListAsync()).Select(t => t.Count));
        var tier = await db.TierHours.IgnoreQueryFilters().SingleAsync();
        Assert.Equal((150, 150), (tier.Requests, tier.Answered));
        Assert.Equal(150, (await db.TierWaits.IgnoreQueryFilters().SingleAsync()).Count);
    }

    [Fact]
    public async Task AnIncrementThatCannotBeStoredIsLoggedCostsNoOtherItsCountAndTheNextCommitCountsAgain()
    {
        await using var app = new ChatApp();
        _ = app.Server;
        var counters = app.Services.GetRequiredService<QueueCounters>();
        using (var scope = app.Services.CreateScope())
            await scope.ServiceProvider.GetRequiredService<RecordsDbContext>().Database.ExecuteSqlRawAsync("ALTER TABLE \"QueueHours\" RENAME TO \"QueueHoursAway\";");

        // One increment that cannot be stored among fifty that can, written at once (one batch, tried again one by one).
        var calls = Enumerable.Range(0, 50).Select(_ => counters.TakenAsync(At, "expert-1")).Append(counters.RequestAsync(At, open: true)).ToList();
        await Task.WhenAll(calls).WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Contains(app.Logs.Lines, l => l.Contains("Could not count Requests", StringComparison.Ordinal));
        Assert.DoesNotContain(app.Logs.Lines, l => l.Contains("Could not count ChatsTaken", StringComparison.Ordinal));
        using (var scope = app.Services.CreateScope())
            Assert.Equal(50, (await scope.ServiceProvider.GetRequiredService<RecordsDbContext>().ChatsTakenHours.IgnoreQueryFilters().SingleAsync()).Count);

        using (var scope = app.Services.CreateScope())
            await scope.ServiceProvider.GetRequiredService<RecordsDbContext>().Database.ExecuteSqlRawAsync("ALTER TABLE \"QueueHoursAway\" RENAME TO \"QueueHours\";");
        await counters.RequestAsync(At, open: true);
        using var read = app.Services.CreateScope();
        Assert.Equal(1, (await read.ServiceProvider.GetRequiredService<RecordsDbContext>().QueueHours.IgnoreQueryFilters().SingleAsync()).Requests);
    }
}
