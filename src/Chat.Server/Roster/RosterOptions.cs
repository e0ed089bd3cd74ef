using System.ComponentModel.DataAnnotations;

namespace Chat.Server.Roster;

/// <summary>Section <c>Roster</c>.</summary>
public sealed class RosterOptions
{
    public const string Section = "Roster";

    /// <summary>No new chat for an expert in the last minutes of their planned shift (a running chat is never cut off).</summary>
    [Range(typeof(TimeSpan), "00:00:00", "02:00:00")]
    public TimeSpan NoNewChatsBeforeShiftEnd { get; set; } = TimeSpan.FromMinutes(10);
}
