using System.Collections.Concurrent;
using Chat.Server.Conversations;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.SignalR;

namespace Chat.Server.Accounts;

/// <summary>
/// Ends an account's sessions at once, on every node, when its roles, its disabled state or its password change:
/// the security stamp changes (every cookie issued before is refused at its next request: the stamp is checked on every
/// request), its expert-hub connections are closed on every node (an event through the fan-out; each node closes its
/// own), and a disabled expert is taken off shift (their chats go to the front of the queue).
/// </summary>
public sealed partial class AccountSessions(UserManager<ChatUser> users, ChatNotifier notify, Presence presence, ServerSessions signIns,
    ILogger<AccountSessions> logger)
{
    /// <param name="keepSession">The handle of the session that goes on (a password changed in it); the others end.</param>
    public async Task EndAsync(ChatUser user, bool takeOffShift, string? keepSession = null)
    {
        await users.UpdateSecurityStampAsync(user);
        // The sessions kept on the server go too (the stamp already refuses them; this also empties the list).
        await signIns.EndAllAsync(user.Id, keepSession, notify: false);
        await notify.Expert(user.Id).SignedOut(new SignedOut("account-changed"));
        if (takeOffShift) await presence.TakeOffShiftAsync(user.Id);
        SessionsEnded(logger, user.Id, takeOffShift);
    }

    [LoggerMessage(30, LogLevel.Information, "Sessions of account {UserId} ended (taken off shift: {OffShift})")]
    private static partial void SessionsEnded(ILogger logger, string userId, bool offShift);
}

/// <summary>
/// This node's expert-hub connections per account and per sign-in session, so a sign-out can close them (Abort) wherever
/// they are: all of an account's (its sessions were ended) or those opened with one session (that session signed out).
/// </summary>
public sealed class ExpertConnections
{
    private readonly ConcurrentDictionary<string, ConcurrentDictionary<string, HubCallerContext>> _byUser = new();
    private readonly ConcurrentDictionary<string, ConcurrentDictionary<string, HubCallerContext>> _bySession = new();

    public void Add(string userId, HubCallerContext context)
    {
        _byUser.GetOrAdd(userId, _ => new())[context.ConnectionId] = context;
        if (SessionOf(context) is { } handle) _bySession.GetOrAdd(handle, _ => new())[context.ConnectionId] = context;
    }

    public void Remove(string userId, string connectionId)
    {
        if (_byUser.TryGetValue(userId, out var set) && set.TryRemove(connectionId, out var context)
            && SessionOf(context) is { } handle && _bySession.TryGetValue(handle, out var ofSession))
        {
            ofSession.TryRemove(connectionId, out _);
            if (ofSession.IsEmpty) _bySession.TryRemove(KeyValuePair.Create(handle, ofSession));
        }
    }

    public void AbortAll(string userId)
    {
        if (!_byUser.TryGetValue(userId, out var set)) return;
        foreach (var c in set.Values) c.Abort();
    }

    public IReadOnlyList<string> OfSession(string handle) =>
        _bySession.TryGetValue(handle, out var set) ? [.. set.Keys] : [];

    public void AbortSession(string handle)
    {
        if (!_bySession.TryGetValue(handle, out var set)) return;
        foreach (var c in set.Values) c.Abort();
    }

    private static string? SessionOf(HubCallerContext context) => context.User?.FindFirst(ServerSessions.HandleClaim)?.Value;
}
