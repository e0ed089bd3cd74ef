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

    /// <summary>For visitors who would rather talk to a woman or a man: <c>woman</c>, <c>man</c>, <c>other</c>, <c>unspecified</c>.</summary>
    public string Gender { get; set; } = Genders.Unspecified;

    /// <summary>Languages the expert chats in, as lower-case codes joined by commas ("nl,en").</summary>
    public string Languages { get; set; } = "nl";

    /// <summary>
    /// The password was set by an administrator for someone else (a project's first coordinator): the account must choose
    /// its own at the first sign-in before anything else (<see cref="PasswordChangeRequirement"/>).
    /// </summary>
    public bool MustChangePassword { get; set; }

    /// <summary>The projects (slugs joined by commas) whose chats, letters and records this account works with.</summary>
    public string Projects { get; set; } = Storage.Projects.Default;

    public IReadOnlyList<string> ProjectList => Projects.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    public IReadOnlyList<string> LanguageList => Languages.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}

public static class Genders
{
    public const string Woman = "woman";
    public const string Man = "man";
    public const string Other = "other";
    public const string Unspecified = "unspecified";
    public static readonly string[] All = [Woman, Man, Other, Unspecified];
}

public static class Roles
{
    public const string Expert = "Expert";
    public const string Coordinator = "Coordinator";
    /// <summary>Manages the projects of the installation and creates a project's first coordinator; reads no project's
    /// forms or figures unless also its coordinator.</summary>
    public const string Administrator = "Administrator";
    public const string ExpertOrCoordinator = Expert + "," + Coordinator;
}

public static class Experiences
{
    public const string Victim = "victim";
    public const string Perpetrator = "perpetrator";
    public const string Both = "both";
    public static readonly string[] All = [Victim, Perpetrator, Both];
}
