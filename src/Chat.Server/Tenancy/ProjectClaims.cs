using System.Security.Claims;
using Chat.Server.Accounts;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;

namespace Chat.Server.Tenancy;

/// <summary>
/// The sign-in carries the account's projects as <c>project</c> claims, like its roles: a change of projects ends the
/// account's sessions (AccountsApi), so a session never holds projects the account lost. An account that must choose its
/// own password carries that too (the change refreshes the sign-in, which drops it).
/// </summary>
public sealed class ProjectClaims(UserManager<ChatUser> users, RoleManager<IdentityRole> roles, IOptions<IdentityOptions> options)
    : UserClaimsPrincipalFactory<ChatUser, IdentityRole>(users, roles, options)
{
    protected override async Task<ClaimsIdentity> GenerateClaimsAsync(ChatUser user)
    {
        var identity = await base.GenerateClaimsAsync(user);
        foreach (var p in user.ProjectList) identity.AddClaim(new Claim(ProjectScope.ClaimType, p));
        if (user.MustChangePassword) identity.AddClaim(new Claim(PasswordChangeRequirement.ClaimType, PasswordChangeRequirement.Required));
        return identity;
    }
}
