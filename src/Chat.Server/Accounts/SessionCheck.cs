using System.Security.Claims;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Options;

namespace Chat.Server.Accounts;

/// <summary>
/// An expert-hub connection outlives the request that opened it, so its account is checked again on its calls (at most
/// every <see cref="Interval"/>): a changed security stamp or a disabled account closes the connection. This holds even
/// when the sign-out event of <see cref="AccountSessions"/> or <see cref="ServerSessions"/> was missed (a node cut off from Redis at that moment).
/// </summary>
public sealed class SessionCheck(IServiceScopeFactory scopes, IOptions<IdentityOptions> identity, ServerSessions signIns, TimeProvider time)
{
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(2);
    private const string CheckedKey = "session-checked";

    public async Task<bool> StillValidAsync(HubCallerContext context)
    {
        var now = time.GetUtcNow();
        if (context.Items.TryGetValue(CheckedKey, out var v) && v is DateTimeOffset last && now - last < Interval) return true;
        var principal = context.User;
        var id = principal?.FindFirstValue(identity.Value.ClaimsIdentity.UserIdClaimType);
        var stamp = principal?.FindFirstValue(identity.Value.ClaimsIdentity.SecurityStampClaimType);
        var session = principal?.FindFirstValue(ServerSessions.HandleClaim);
        if (id is null || session is null) return false;
        await using var scope = scopes.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<ChatUser>>();
        var user = await users.FindByIdAsync(id);
        if (user is not { Disabled: false } || stamp != await users.GetSecurityStampAsync(user)) return false;
        try
        {
            // Its session was not signed out (also when the sign-out event was missed).
            if (!await signIns.IsActiveAsync(id, session)) return false;
        }
        catch (Exception ex) when (Conversations.Transient.Is(ex))
        {
            return true; // Redis is away: the session cannot be read now; checked again at the next call
        }
        context.Items[CheckedKey] = now;
        return true;
    }
}
