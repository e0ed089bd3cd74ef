namespace Chat.Server.Scaleout;

/// <summary>
/// Group commit: a call made while batches are on their way to Redis waits and goes with the next batch, so under load
/// one round trip carries many calls, and an idle system sends each call at once (no timer, no added wait).
/// At most <c>maxInFlight</c> batches are on their way at once (one unless asked). Batches are sent in the order their
/// calls were made, one at a time, and their results are handed out in that order, so Redis applies the calls in the
/// order they were made and their callers go on in that order.
/// </summary>
/// <param name="run">Runs one batch; returns one result per item, in order. An exception fails every call of that batch. It is
/// called with the group commit's lock held (that is what keeps the batches in order), so it must return at once: start the
/// work and return its task (yield first if the work is synchronous: the counters' SQLite commit), and never complete an earlier
/// batch's task itself (the lock is re-entrant: the results would be handed out inside the send). With more than one batch
/// in flight, a retry inside it must not overtake a later batch (the appends send the script itself, never a NOSCRIPT).</param>
/// <param name="maxBatch">At most this many calls in one batch (keeps one Lua script short: Redis runs nothing else meanwhile).</param>
/// <param name="maxInFlight">At most this many batches on their way at once: with two, the next batch is written while Redis
/// still works on (or fsyncs) the one before.</param>
public sealed class GroupCommit<TItem, TResult>(Func<IReadOnlyList<TItem>, Task<IReadOnlyList<TResult>>> run, int maxBatch = 128,
    int maxInFlight = 1)
{
    private readonly int _maxBatch = maxBatch >= 1 ? maxBatch : throw new ArgumentOutOfRangeException(nameof(maxBatch), "At least one call a batch.");
    private readonly int _maxInFlight = maxInFlight >= 1 ? maxInFlight : throw new ArgumentOutOfRangeException(nameof(maxInFlight), "At least one batch in flight.");
    private readonly Lock _gate = new();
    private readonly Queue<(TItem Item, TaskCompletionSource<TResult> Done)> _waiting = new();
    private readonly Queue<(List<(TItem Item, TaskCompletionSource<TResult> Done)> Batch, Task<IReadOnlyList<TResult>> Results)> _inFlight = new();
    private bool _completing;

    public Task<TResult> RunAsync(TItem item)
    {
        var done = new TaskCompletionSource<TResult>();
        bool start = false;
        lock (_gate)
        {
            _waiting.Enqueue((item, done));
            if (_inFlight.Count < _maxInFlight) SendNext();
            if (!_completing)
            {
                _completing = true;
                start = true;
            }
        }
        // The first caller hands out on its own thread up to the first await: the idle case costs no thread hop.
        if (start) _ = CompleteAsync();
        return done.Task;
    }

    /// <summary>Hands out the results of the batches on their way, oldest first, until none is left.</summary>
    private async Task CompleteAsync()
    {
        while (true)
        {
            List<(TItem Item, TaskCompletionSource<TResult> Done)> batch;
            Task<IReadOnlyList<TResult>> pending;
            lock (_gate) (batch, pending) = _inFlight.Peek();
            IReadOnlyList<TResult>? results = null;
            Exception? error = null;
            try
            {
                results = await pending;
                if (results.Count != batch.Count)
                    throw new InvalidOperationException($"A batch of {batch.Count} returned {results.Count} results.");
            }
            catch (Exception ex)
            {
                error = ex;
            }
            bool more;
            lock (_gate)
            {
                _inFlight.Dequeue();
                // The next batch goes before this one's callers go on: Redis works on it while they do.
                if (_waiting.Count > 0) SendNext();
                more = _inFlight.Count > 0;
                if (!more) _completing = false;
            }
            // The callers go on here, one after another, each up to its next await (the rest of a hub call: telling the
            // chat's connections, the acknowledgement). Until 2026-12-05 each went on from the thread pool, a thread woken a
            // message; this way the Redis mode's tails were steadier at the same CPU (docs/benchmarks.md, "One thread for a
            // batch's callers").
            for (var i = 0; i < batch.Count; i++)
                if (error is null) batch[i].Done.TrySetResult(results![i]);
                else batch[i].Done.TrySetException(error);
            if (!more) return;
        }
    }

    /// <summary>Sends the waiting calls, at most <c>maxBatch</c>, as one batch. Called with the lock held.</summary>
    private void SendNext()
    {
        var batch = new List<(TItem Item, TaskCompletionSource<TResult> Done)>(Math.Min(_waiting.Count, _maxBatch));
        while (batch.Count < _maxBatch && _waiting.TryDequeue(out var next)) batch.Add(next);
        Task<IReadOnlyList<TResult>> results;
        try
        {
            results = run(batch.ConvertAll(b => b.Item));
        }
        catch (Exception ex)
        {
            results = Task.FromException<IReadOnlyList<TResult>>(ex);
        }
        _inFlight.Enqueue((batch, results));
    }
}
