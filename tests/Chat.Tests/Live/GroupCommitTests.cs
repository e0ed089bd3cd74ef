using Chat.Server.Scaleout;

namespace Chat.Tests.Live;

public sealed class GroupCommitTests
{
    [Fact]
    public async Task CallsMadeWhileABatchIsOnItsWayGoTogetherInTheNextInOrder()
    {
        var batches = new List<IReadOnlyList<int>>();
        var firstInFlight = new TaskCompletionSource<IReadOnlyList<int>>();
        var commit = new GroupCommit<int, int>(batch =>
        {
            lock (batches) batches.Add(batch);
            return batches.Count == 1 ? firstInFlight.Task : Task.FromResult<IReadOnlyList<int>>(batch.Select(i => i * 10).ToList());
        }, maxBatch: 3);

        var first = commit.RunAsync(1); // goes at once, alone
        var later = Enumerable.Range(2, 5).Select(commit.RunAsync).ToList(); // wait for the first batch
        Assert.Single(batches);
        firstInFlight.SetResult([10]);

        Assert.Equal(10, await first);
        var results = await Task.WhenAll(later);
        Assert.Equal(new[] { 20, 30, 40, 50, 60 }, results);
        Assert.Equal([[1], [2, 3, 4], [5, 6]], batches.Select(b => b.ToArray()));
    }

    [Fact]
    public async Task TheNextBatchIsOnItsWayBeforeTheCallersOfTheLastGoOn()
    {
        var sent = 0;
        var firstInFlight = new TaskCompletionSource<IReadOnlyList<int>>();
        var commit = new GroupCommit<int, int>(batch =>
            Interlocked.Increment(ref sent) == 1 ? firstInFlight.Task : Task.FromResult<IReadOnlyList<int>>(batch.ToList()));

        var first = commit.RunAsync(1);
        var second = commit.RunAsync(2); // waits for the first batch
        // What the first caller sees as it goes on (on the thread that completes it): the second batch already sent.
        var sentWhenFirstWentOn = first.ContinueWith(_ => Volatile.Read(ref sent), TaskContinuationOptions.ExecuteSynchronously);
        firstInFlight.SetResult([1]);

        Assert.Equal(2, await sentWhenFirstWentOn);
        Assert.Equal(2, await second);
    }

    [Fact]
    public async Task ACallMadeByACallerGoingOnIsNotLost()
    {
        var commit = new GroupCommit<int, int>(batch => Task.FromResult<IReadOnlyList<int>>(batch.Select(i => i + 100).ToList()));
        // Each caller goes on inline and makes the next call from there, when nothing else waits: it must start a batch itself.
        async Task<int> Chain(int n) => n == 0 ? 0 : await commit.RunAsync(n) + await Chain(n - 1);
        Assert.Equal(Enumerable.Range(1, 50).Sum(i => i + 100), await Chain(50).WaitAsync(TimeSpan.FromSeconds(10)));
    }

    [Fact]
    public async Task AFailedBatchFailsItsOwnCallsOnly()
    {
        var calls = 0;
        var release = new TaskCompletionSource<IReadOnlyList<int>>();
        var commit = new GroupCommit<int, int>(batch => Interlocked.Increment(ref calls) switch
        {
            1 => release.Task,
            2 => throw new TimeoutException("redis"),
            _ => Task.FromResult<IReadOnlyList<int>>(batch.ToList()),
        });

        var first = commit.RunAsync(1);
        var failing = new[] { commit.RunAsync(2), commit.RunAsync(3) };
        release.SetResult([1]);
        Assert.Equal(1, await first);
        foreach (var f in failing) await Assert.ThrowsAsync<TimeoutException>(() => f);
        Assert.Equal(4, await commit.RunAsync(4)); // and the next call goes again
    }

    [Fact]
    public async Task WithTwoInFlightTheNextBatchGoesWhileTheFirstIsOnItsWayAndResultsComeInOrder()
    {
        var batches = new List<int[]>();
        var replies = new List<TaskCompletionSource<IReadOnlyList<int>>>();
        var commit = new GroupCommit<int, int>(batch =>
        {
            var reply = new TaskCompletionSource<IReadOnlyList<int>>();
            batches.Add(batch.ToArray());
            replies.Add(reply);
            return reply.Task;
        }, maxInFlight: 2);

        var first = commit.RunAsync(1);  // goes at once
        var second = commit.RunAsync(2); // goes at once too: a second batch may be on its way
        var third = commit.RunAsync(3);  // waits: two are
        var fourth = commit.RunAsync(4);
        Assert.Equal([[1], [2]], batches);

        // The second batch's reply comes first: its caller still goes on only after the first batch's.
        replies[1].SetResult([20]);
        Assert.False(second.IsCompleted);
        replies[0].SetResult([10]);
        Assert.Equal(10, await first);
        Assert.Equal(20, await second);
        Assert.Equal([[1], [2], [3, 4]], batches); // sent when the first batch's slot came free
        replies[2].SetResult([30, 40]);
        var thirdAndFourth = await Task.WhenAll(third, fourth);
        Assert.Equal(new[] { 30, 40 }, thirdAndFourth);
        var fifth = commit.RunAsync(5); // nothing on its way: goes at once
        Assert.Equal([5], batches[3]);
        replies[3].SetResult([50]);
        Assert.Equal(50, await fifth);
    }

    [Fact]
    public async Task WithTwoInFlightAFailedFirstBatchFailsOnlyItsOwnCalls()
    {
        var replies = new List<TaskCompletionSource<IReadOnlyList<int>>>();
        var commit = new GroupCommit<int, int>(_ =>
        {
            var reply = new TaskCompletionSource<IReadOnlyList<int>>();
            replies.Add(reply);
            return reply.Task;
        }, maxInFlight: 2);

        var first = commit.RunAsync(1);
        var second = commit.RunAsync(2);
        replies[0].SetException(new TimeoutException("redis"));
        await Assert.ThrowsAsync<TimeoutException>(() => first);
        Assert.False(second.IsCompleted);
        replies[1].SetResult([2]);
        Assert.Equal(2, await second);
    }

    [Fact]
    public async Task ManyThreadsCallingAtOnceEachGetTheirOwnResultAndNoBatchGoesBeyondTheLimits()
    {
        var inFlight = 0;
        var most = 0;
        var seen = new System.Collections.Concurrent.ConcurrentBag<int>();
        var commit = new GroupCommit<int, int>(async batch =>
        {
            var now = Interlocked.Increment(ref inFlight);
            InterlockedMax(ref most, now);
            Assert.True(batch.Count <= 16, $"a batch of {batch.Count}");
            foreach (var i in batch) seen.Add(i);
            await Task.Yield();
            Interlocked.Decrement(ref inFlight);
            return batch.Select(i => i * 10).ToList();
        }, maxBatch: 16, maxInFlight: 2);

        var calls = await Task.WhenAll(Enumerable.Range(0, 8).Select(t => Task.Run(async () =>
        {
            var mine = new List<(int Item, int Result)>();
            for (var i = 0; i < 500; i++)
            {
                var item = t * 1000 + i;
                mine.Add((item, await commit.RunAsync(item)));
            }
            return mine;
        })));
        Assert.All(calls.SelectMany(c => c), c => Assert.Equal(c.Item * 10, c.Result));
        Assert.Equal(4000, seen.Count);
        Assert.Equal(4000, seen.Distinct().Count());
        Assert.InRange(most, 1, 2);

        static void InterlockedMax(ref int target, int value)
        {
            for (var current = Volatile.Read(ref target); value > current; current = Volatile.Read(ref target))
                if (Interlocked.CompareExchange(ref target, value, current) == current) return;
        }
    }

    [Fact]
    public void NoBatchesOrEmptyBatchesAreRefusedAtOnce()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new GroupCommit<int, int>(b => Task.FromResult<IReadOnlyList<int>>(b.ToList()), maxInFlight: 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => new GroupCommit<int, int>(b => Task.FromResult<IReadOnlyList<int>>(b.ToList()), maxBatch: 0));
    }

    [Fact]
    public async Task AWrongNumberOfResultsIsAnErrorNotAMixUp()
    {
        var commit = new GroupCommit<int, int>(_ => Task.FromResult<IReadOnlyList<int>>([]));
        await Assert.ThrowsAsync<InvalidOperationException>(() => commit.RunAsync(1));
    }
}
