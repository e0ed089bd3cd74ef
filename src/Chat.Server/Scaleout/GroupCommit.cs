namespace Chat.Server.Scaleout;

/// <summary>
/// Group commit: a call made while a batch is on its way to Redis waits and goes with the next batch, so under load
/// one round trip carries many calls, and an idle system sends each call at once (no timer, no added wait).
/// One batch is in flight at a time and calls keep their order, so Redis applies them in the order they were made.
/// </summary>
/// <param name="run">Runs one batch; returns one result per item, in order. An exception fails every call of that batch. It should
/// return at once (yield first if its work is synchronous): the callers of the batch before go on only after it returns.</param>
/// <param name="maxBatch">At most this many calls in one batch (keeps one Lua script short: Redis runs nothing else meanwhile).</param>
public sealed class GroupCommit<TItem, TResult>(Func<IReadOnlyList<TItem>, Task<IReadOnlyList<TResult>>> run, int maxBatch = 128)
{
    private readonly Lock _gate = new();
    private readonly Queue<(TItem Item, TaskCompletionSource<TResult> Done)> _waiting = new();
    private bool _draining;

    public Task<TResult> RunAsync(TItem item)
    {
        var done = new TaskCompletionSource<TResult>();
        bool start;
        lock (_gate)
        {
            _waiting.Enqueue((item, done));
            start = !_draining;
            _draining = true;
        }
        // The first caller drains on its own thread up to the first await: the idle case costs no thread hop.
        if (start) _ = DrainAsync();
        return done.Task;
    }

    private async Task DrainAsync()
    {
        var batch = Take();
        if (batch is null) return;
        var inFlight = Send(batch);
        while (true)
        {
            IReadOnlyList<TResult>? results = null;
            Exception? error = null;
            try
            {
                results = await inFlight;
                if (results.Count != batch.Count)
                    throw new InvalidOperationException($"A batch of {batch.Count} returned {results.Count} results.");
            }
            catch (Exception ex)
            {
                error = ex;
            }
            // The next batch goes before this one's callers go on: Redis works on it while they do.
            var next = Take();
            if (next is not null) inFlight = Send(next);
            // The callers go on here, one after another, each up to its next await (the rest of a hub call: telling the
            // chat's connections, the acknowledgement). Until 2026-12-05 each went on from the thread pool, a thread woken a
            // message; this way the Redis mode's tails were steadier at the same CPU (docs/benchmarks.md, "One thread for a
            // batch's callers"). So a run must return at once: one that works synchronously yields first (the counters' SQLite commit).
            for (var i = 0; i < batch.Count; i++)
                if (error is null) batch[i].Done.TrySetResult(results![i]);
                else batch[i].Done.TrySetException(error);
            if (next is null) return;
            batch = next;
        }
    }

    /// <summary>The waiting calls, at most <c>maxBatch</c>; null (and draining ends) when none wait.</summary>
    private List<(TItem Item, TaskCompletionSource<TResult> Done)>? Take()
    {
        lock (_gate)
        {
            if (_waiting.Count == 0)
            {
                _draining = false;
                return null;
            }
            var batch = new List<(TItem Item, TaskCompletionSource<TResult> Done)>(Math.Min(_waiting.Count, maxBatch));
            while (batch.Count < maxBatch && _waiting.TryDequeue(out var next)) batch.Add(next);
            return batch;
        }
    }

    private Task<IReadOnlyList<TResult>> Send(List<(TItem Item, TaskCompletionSource<TResult> Done)> batch)
    {
        try
        {
            return run(batch.ConvertAll(b => b.Item));
        }
        catch (Exception ex)
        {
            return Task.FromException<IReadOnlyList<TResult>>(ex);
        }
    }
}
