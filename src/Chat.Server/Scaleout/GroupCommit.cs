namespace Chat.Server.Scaleout;

/// <summary>
/// Group commit: a call made while a batch is on its way to Redis waits and goes with the next batch, so under load
/// one round trip carries many calls, and an idle system sends each call at once (no timer, no added wait).
/// One batch is in flight at a time and calls keep their order, so Redis applies them in the order they were made.
/// </summary>
/// <param name="run">Runs one batch; returns one result per item, in order. An exception fails every call of that batch.</param>
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
        while (true)
        {
            List<(TItem Item, TaskCompletionSource<TResult> Done)> batch;
            lock (_gate)
            {
                if (_waiting.Count == 0)
                {
                    _draining = false;
                    return;
                }
                batch = new(Math.Min(_waiting.Count, maxBatch));
                while (batch.Count < maxBatch && _waiting.TryDequeue(out var next)) batch.Add(next);
            }
            try
            {
                var results = await run(batch.ConvertAll(b => b.Item));
                if (results.Count != batch.Count)
                    throw new InvalidOperationException($"A batch of {batch.Count} returned {results.Count} results.");
                // A lone call (the quiet case) goes on inline: one thread hop less per message. In a batch, each call
                // goes on from the thread pool, so the callers (hub methods) run side by side and the next batch can go.
                if (batch.Count == 1) batch[0].Done.TrySetResult(results[0]);
                else
                    for (var i = 0; i < batch.Count; i++)
                        ThreadPool.UnsafeQueueUserWorkItem(static s => s.Done.TrySetResult(s.Result), (batch[i].Done, Result: results[i]), preferLocal: false);
            }
            catch (Exception ex)
            {
                foreach (var b in batch) ThreadPool.UnsafeQueueUserWorkItem(static s => s.Done.TrySetException(s.ex), (b.Done, ex), preferLocal: false);
            }
        }
    }
}
