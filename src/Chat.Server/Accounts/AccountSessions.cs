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
public sealed partial class AccountSessions(UserManager<ChatUser> users, ChatNotifier notify, Presence presence, ILogger<AccountSessions> logger)
{
    public async Task EndAsync(ChatUser user, bool takeOffShift)
    {
        await users.UpdateSecurityStampAsync(user);
        await notify.Expert(user.Id).SignedOut(new SignedOut("account-changed"));
        if (takeOffShift) await presence.TakeOffShiftAsync(user.Id);
        SessionsEnded(logger, user.Id, takeOffShift);
    }

    [LoggerMessage(30, LogLevel.Information, "Sessions of account {UserId} ended (taken off shift: {OffShift})")]
    private static partial void SessionsEnded(ILogger logger, string userId, bool offShift);
}

/// <summary>This node's expert-hub connections per account, so a sign-out can close them (Abort) wherever they are.</summary>
public sealed class ExpertConnections
{
    private readonly ConcurrentDictionary<string, ConcurrentDictionary<string, HubCallerContext>> _byUser = new();

    public void Add(string userId, HubCallerContext context) =>
        _byUser.GetOrAdd(userId, _ => new())[context.ConnectionId] = context;

    public void Remove(string userId, string connectionId)
    {
        if (_byUser.TryGetValue(userId, out var set)) set.TryRemove(connectionId, out _);
    }

    public void AbortAll(string userId)
    {
        if (!_byUser.TryGetValue(userId, out var set)) return;
        foreach (var c in set.Values) c.Abort();
    }
}
