using System.ComponentModel.DataAnnotations;

namespace Chat.Server.Triage;

/// <summary>Section <c>Triage</c>: a visitor in danger goes first (see Conversations/Matchmaking: the tiers).</summary>
public sealed class TriageOptions
{
    public const string Section = "Triage";

    /// <summary>
    /// A visitor waiting longer than this goes before everyone else who is not in danger (the tier <c>waited</c>), so
    /// nobody waits for ever behind others; shown to experts as "lang gewacht".
    /// </summary>
    [Range(typeof(TimeSpan), "00:01:00", "1.00:00:00")]
    public TimeSpan MaxWaitBeforeFirst { get; set; } = TimeSpan.FromMinutes(20);

    /// <summary>
    /// A visitor who said they are in danger keeps their place in the queue, or their running chat, this long without a
    /// connection: a 112 call puts the tab in the background and phones drop its connection.
    /// </summary>
    [Range(typeof(TimeSpan), "00:01:00", "02:00:00")]
    public TimeSpan InDangerReconnectGrace { get; set; } = TimeSpan.FromMinutes(30);
}
