using Chat.Server.Conversations;

namespace Chat.Tests.Conversations;

/// <summary>A connection's call budget: the burst at once, then the rate, never more than the burst saved up.</summary>
public sealed class CallBudgetTests
{
    private sealed class Ticks : TimeProvider
    {
        public long Now;
        public override long TimestampFrequency => TimeSpan.TicksPerSecond;
        public override long GetTimestamp() => Now;
    }

    [Fact]
    public void TheBurstAtOnceThenTheRateAndNoMoreThanTheBurstSavedUp()
    {
        var time = new Ticks();
        var budget = new CallBudget(burst: 30, perSecond: 10, time);
        Assert.All(Enumerable.Range(0, 30), _ => Assert.True(budget.TryTake()));
        Assert.False(budget.TryTake());

        time.Now += TimeSpan.FromMilliseconds(99).Ticks; // not yet one call's worth
        Assert.False(budget.TryTake());
        time.Now += TimeSpan.FromMilliseconds(1).Ticks;
        Assert.True(budget.TryTake());
        Assert.False(budget.TryTake());

        time.Now += TimeSpan.FromMinutes(10).Ticks; // an idle connection saves up to the burst, not more
        Assert.Equal(30, Enumerable.Range(0, 100).Count(_ => budget.TryTake()));
    }
}
