using System.Net;
using System.Net.Http.Json;
using Chat.Tests.Infrastructure;

namespace Chat.Tests.Tenancy;

/// <summary>
/// A second project made as an administrator makes one: the project, then its accounts (with a first password), each of
/// which chooses its own password at the first sign-in. The tests' projects and accounts are made here only.
/// </summary>
public static class SecondProject
{
    public const string Password = "paarse-olifant-danst-op-zolder-42";

    public sealed record Account(string UserName, string DisplayName, bool Coordinator = false, int MaxChats = 1);

    /// <param name="project">The body of <c>POST /api/projects</c> (its <c>slug</c> is the accounts' project).</param>
    public static async Task CreateAsync(ChatApp app, string slug, object project, params Account[] accounts)
    {
        using var admin = await app.SignedInClientAsync("admin", "Demo-Admin-1");
        var created = await admin.PostAsJsonAsync("/api/projects", project);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        foreach (var a in accounts)
        {
            var r = await admin.PostAsJsonAsync("/api/accounts", new
            {
                userName = a.UserName, displayName = a.DisplayName, experience = "victim", maxChats = a.MaxChats,
                password = ChatApp.AdministratorsFirstPassword, coordinator = a.Coordinator, projects = new[] { slug },
            });
            Assert.Equal(HttpStatusCode.Created, r.StatusCode);
            await app.ChooseOwnPasswordAsync(a.UserName, Password);
        }
    }
}
