namespace Chat.Server.Conversations;

/// <summary>
/// One connection's hub calls, in the order they arrived. SignalR runs several calls of a connection at once
/// (<c>MaximumParallelInvocationsPerClient</c>), so a visitor's messages need not wait for each other's round
/// trip to Redis; but every call still waits its turn: each waits until the calls before it have ended their
/// turn. A call's turn ends when it returns, except a send, whose turn ends once its message has been handed to
/// the store (<see cref="InvocationTurn.End"/>): its place in the log is then fixed, and the next send may go.
/// So messages are stored in the order they were sent, and StartChat, Resume, LeaveChat and the rest never overlap.
/// </summary>
public sealed class InvocationOrder
{
    private Task _last = Task.CompletedTask;

    /// <summary>Called when a call starts (SignalR starts them in arrival order): the turn before it, and its own.</summary>
    public (Task Before, TaskCompletionSource Mine) Next()
    {
        var mine = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var before = Interlocked.Exchange(ref _last, mine.Task);
        return (before, mine);
    }
}

/// <summary>The current hub call's turn (scoped: one per call). A send ends it early; otherwise it ends with the call.</summary>
public sealed class InvocationTurn
{
    private TaskCompletionSource? _mine;

    internal void Begin(TaskCompletionSource mine) => _mine = mine;

    /// <summary>Lets the next call of this connection start.</summary>
    public void End() => _mine?.TrySetResult();
}
