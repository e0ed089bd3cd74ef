using System.ComponentModel.DataAnnotations;

namespace Chat.Server.Mailbox;

/// <summary>Section <c>Mailbox</c>: the anonymous mailbox (brievenbus), its limits and how long letters are kept.</summary>
public sealed class MailboxOptions
{
    public const string Section = "Mailbox";

    /// <summary>A thread, with its letters, answers and note, is deleted this long after its last letter, answer or chat.</summary>
    [Range(typeof(TimeSpan), "01:00:00", "365.00:00:00")]
    public TimeSpan Retention { get; set; } = TimeSpan.FromDays(30);

    /// <summary>An expert's claim on a letter lapses after this; then another may answer it.</summary>
    [Range(typeof(TimeSpan), "00:01:00", "1.00:00:00")]
    public TimeSpan ClaimTimeout { get; set; } = TimeSpan.FromMinutes(30);

    /// <summary>open, write and delete together, per address and hour (429 beyond).</summary>
    [Range(1, 1_000_000)]
    public int CodeChecksPerAddressPerHour { get; set; } = 20;

    /// <summary>New threads per address and day (429 beyond).</summary>
    [Range(1, 1_000_000)]
    public int LettersPerAddressPerDay { get; set; } = 3;

    /// <summary>Unanswered threads per project; a new letter beyond answers 503.</summary>
    [Range(1, 1_000_000)]
    public int MaxWaiting { get; set; } = 200;

    /// <summary>How often the retention sweep runs.</summary>
    [Range(typeof(TimeSpan), "00:01:00", "1.00:00:00")]
    public TimeSpan SweepInterval { get; set; } = TimeSpan.FromHours(1);
}
