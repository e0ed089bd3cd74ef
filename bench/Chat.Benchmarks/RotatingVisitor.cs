using System.Text.Json;
using Chat.Tests.Infrastructure;
using Microsoft.AspNetCore.SignalR.Client;

namespace Chat.Benchmarks;

/// <summary>
/// The visitor's side of one benchmark pair in our service, with chats of the product's size: after
/// <c>length</c> messages the visitor leaves (once every message of that chat is acknowledged) and a new visitor
/// connection starts the next chat, which an expert who is free again takes (the pair's own, or another pair's that left
/// at the same moment). A message sent meanwhile waits for the new chat, and its clock starts when it goes, so the
/// benchmark's latency stays that of a message, not of a chat change; the offered-load windows send such a message
/// through another pair (<see cref="InChat"/>). Length 0: one endless chat.
/// </summary>
internal sealed class RotatingVisitor
{
    private readonly ServerProcess server;
    private readonly int length;
    private readonly Action<string> restamp;
    private readonly Lock gate = new();
    private Task<HubConnection> current;
    private List<Task> inChat = [];
    private int count;

    private RotatingVisitor(ServerProcess server, int length, Action<string> restamp, HubConnection first) =>
        (this.server, this.length, this.restamp, current) = (server, length, restamp, Task.FromResult(first));

    /// <summary>Chats this visitor has left so far (all pairs together: <see cref="Ended"/>).</summary>
    public static long Ended => Interlocked.Read(ref ended);
    private static long ended;

    /// <param name="restamp">Called with a message's id when it waited for a chat change: its send time is now.</param>
    public static async Task<RotatingVisitor> StartAsync(ServerProcess server, int length, Action<string> restamp) =>
        new(server, length, restamp, await ChatAsync(server));

    /// <summary>Whether the next message goes into a running chat (not one that waits for the chat change).</summary>
    public bool InChat
    {
        get { lock (gate) return current.IsCompletedSuccessfully; }
    }

    public Task SendAsync(string clientMessageId, string text)
    {
        lock (gate)
        {
            var send = SendOnAsync(current, clientMessageId, text);
            if (length == 0) return send;
            inChat.Add(send);
            // The chat's last message: the change starts now (not with the next message, which may go through another pair).
            if (++count == length)
            {
                current = NextAsync(current, inChat);
                inChat = [];
                count = 0;
            }
            return send;
        }
    }

    private async Task SendOnAsync(Task<HubConnection> chat, string clientMessageId, string text)
    {
        if (!chat.IsCompletedSuccessfully)
        {
            await chat;
            restamp(clientMessageId);
        }
        await chat.Result.InvokeAsync<JsonElement>("SendMessage", clientMessageId, text);
    }

    private async Task<HubConnection> NextAsync(Task<HubConnection> chat, List<Task> sends)
    {
        var visitor = await chat;
        // A send that failed has failed for its own caller already; the chat is left either way.
        await Task.WhenAll(sends).ContinueWith(_ => { }, TaskScheduler.Default);
        await visitor.InvokeAsync("LeaveChat");
        Interlocked.Increment(ref ended);
        _ = visitor.DisposeAsync();
        return await ChatAsync(server);
    }

    /// <summary>A new visitor connection with a chat an expert has taken.</summary>
    private static async Task<HubConnection> ChatAsync(ServerProcess server)
    {
        var visitor = server.Hub("/hubs/visitor");
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        visitor.On<JsonElement>("ChatStarted", _ => started.TrySetResult());
        await visitor.StartAsync();
        var queued = await visitor.InvokeAsync<JsonElement>("StartChat", new { });
        // Taken at once ("active"), or queued until an expert is free (ChatStarted).
        try { if (queued.GetProperty("status").GetString() != "active") await started.Task.WaitAsync(TimeSpan.FromSeconds(30)); }
        catch (TimeoutException) { throw new TimeoutException($"No expert took the chat in 30 s; StartChat returned {queued}"); }
        return visitor;
    }
}
