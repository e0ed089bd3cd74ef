using Microsoft.AspNetCore.Identity;

namespace Chat.Server.Accounts;

/// <summary>An expert or coordinator account. Display names are first names or chosen names, shown to visitors.</summary>
public sealed class ChatUser : IdentityUser
{
    public string DisplayName { get; set; } = "";

    /// <summary>Lived experience the expert brings: <c>victim</c>, <c>perpetrator</c> or <c>both</c>.</summary>
    public string Experience { get; set; } = Experiences.Victim;

    /// <summary>How many chats this expert takes at once.</summary>
    public int MaxChats { get; set; } = 1;

    /// <summary>
    /// Switched off by a coordinator: cannot sign in, every session ended. Its own state (not a lockout), so setting a
    /// password never switches an account on again.
    /// </summary>
    public bool Disabled { get; set; }
}

public static class Roles
{
    public const string Expert = "Expert";
    public const string Coordinator = "Coordinator";
    public const string ExpertOrCoordinator = Expert + "," + Coordinator;
}

public static class Experiences
{
    public const string Victim = "victim";
    public const string Perpetrator = "perpetrator";
    public const string Both = "both";
    public static readonly string[] All = [Victim, Perpetrator, Both];
}
