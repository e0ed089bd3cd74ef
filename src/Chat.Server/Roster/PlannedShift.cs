namespace Chat.Server.Roster;

/// <summary>
/// A shift the coordinator planned for an expert (the roster). Planning never opens the chat by itself: the chat is
/// open while somebody is really on shift. The roster gives visitors the next opening and the week's hours, and keeps
/// new chats away from an expert in the last minutes of a planned shift.
/// </summary>
public sealed class PlannedShift : Tenancy.IProjectRecord
{
    /// <summary>The project the record belongs to (Tenancy/ProjectScope).</summary>
    public string Project { get; set; } = "";
    public long Id { get; set; }
    public string ExpertId { get; set; } = "";
    public DateTimeOffset Start { get; set; }
    public DateTimeOffset End { get; set; }
    /// <summary>Shifts made together by one request with <c>repeatWeeks</c> share the id of the first.</summary>
    public long? SeriesId { get; set; }
}
