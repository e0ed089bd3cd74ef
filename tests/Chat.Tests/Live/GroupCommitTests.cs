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
    public async Task AWrongNumberOfResultsIsAnErrorNotAMixUp()
    {
        var commit = new GroupCommit<int, int>(_ => Task.FromResult<IReadOnlyList<int>>([]));
        await Assert.ThrowsAsync<InvalidOperationException>(() => commit.RunAsync(1));
    }
}
