using Chat.Server.Live;

namespace Chat.Server.Conversations;

/// <summary>Who an expert is, as the routing needs it (read from the account at connect).</summary>
public sealed record ExpertIdentity(string Id, string DisplayName, string Experience, int MaxChats, string Gender = "unspecified",
    IReadOnlyList<string>? Languages = null, IReadOnlyList<string>? Projects = null)
{
    public ExpertPresence Presence(string availability, bool connected, DateTimeOffset at) => new()
    {
        ExpertId = Id, DisplayName = DisplayName, Experience = Experience, MaxChats = MaxChats, Gender = Gender,
        Languages = Languages ?? ["nl"], Projects = Projects ?? [Storage.Projects.Default], Availability = availability, Connected = connected, ChangedAt = at,
    };
}
