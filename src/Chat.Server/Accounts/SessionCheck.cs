using System.Security.Claims;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Options;

namespace Chat.Server.Accounts;

/// <summary>
/// An expert-hub connection outlives the request that opened it, so its account is checked again on its calls (at most
/// every <see cref="Interval"/>): a changed security stamp or a disabled account closes the connection. This holds even
/// when the sign-out event of <see cref="AccountSessions"/> was missed (a node cut off from Redis at that moment).
/// </summary>
public sealed class SessionCheck(IServiceScopeFactory scopes, IOptions<IdentityOptions> identity, TimeProvider time)
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
        if (id is null) return false;
        await using var scope = scopes.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<ChatUser>>();
        var user = await users.FindByIdAsync(id);
        var valid = user is { Disabled: false } && stamp == await users.GetSecurityStampAsync(user);
        if (valid) context.Items[CheckedKey] = now;
        return valid;
    }
}
