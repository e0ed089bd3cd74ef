namespace Chat.Server.ContactForms;

/// <summary>
/// Stored shape of a contact form (contactformulier). It describes the contact, never the person.
/// Several-answer fields are stored as bit masks: bit i is the i-th code of the field in <see cref="ContactCodes"/>,
/// so statistics count them in SQL with one pass over the period.
/// </summary>
public sealed class ContactForm : Tenancy.IProjectRecord
{
    /// <summary>The project the record belongs to (Tenancy/ProjectScope).</summary>
    public string Project { get; set; } = "";
    public string Id { get; set; } = "";
    public string ExpertId { get; set; } = "";
    public string? ConversationId { get; set; }
    public string? IdempotencyKey { get; set; }
    /// <summary>Start of the contact, truncated to the hour (UTC).</summary>
    public DateTimeOffset OccurredAt { get; set; }
    public int DurationMinutes { get; set; }
    public string Conversation { get; set; } = "";
    public string ContactType { get; set; } = "";
    public string ContactSeeker { get; set; } = "";
    public int ReferralSources { get; set; }
    public string? ReferralOther { get; set; }
    public int Support { get; set; }
    public int ProfessionalHelp { get; set; }
    public string Safety { get; set; } = "";
    /// <summary>
    /// Why the chat went first in the queue (<c>answer</c>, <c>words</c>, <c>waited</c>), or null: for the statistics' reasons
    /// crossed with the safety answers, so a coordinator can tune the urgent words. A code, never a word.
    /// </summary>
    public string? Urgent { get; set; }
    /// <summary>When the form was filled in, truncated to the hour (UTC).</summary>
    public DateTimeOffset CreatedAt { get; set; }
}

/// <summary>
/// An answered chat whose form is still to be filled: the pre-filled codes, kept until the form is in, so a
/// reload of the console or a restart does not lose it. Codes only, like the form.
/// </summary>
public sealed class ContactDraft : Tenancy.IProjectRecord
{
    /// <summary>The project the record belongs to (Tenancy/ProjectScope).</summary>
    public string Project { get; set; } = "";
    public string ConversationId { get; set; } = "";
    public string ExpertId { get; set; } = "";
    public DateTimeOffset OccurredAt { get; set; }
    public int DurationMinutes { get; set; }
    public string Conversation { get; set; } = "";
    public string ContactSeeker { get; set; } = "";
    public string? ReferralSource { get; set; }
    /// <summary>When the chat ended, truncated to the hour (UTC); the draft is dropped <c>ContactForms:DraftRetention</c> after it.</summary>
    public DateTimeOffset EndedAt { get; set; }
    /// <summary>Bit masks as in <see cref="ContactForm"/>: what the chat itself says (a referral card sent).</summary>
    public int Support { get; set; }
    public int ProfessionalHelp { get; set; }
    /// <summary>What the chat itself says about safety (<c>acute</c> after "in gevaar: ja"), or null: the form then asks.</summary>
    public string? Safety { get; set; }
    /// <summary>Why the chat went first (see <see cref="ContactForm.Urgent"/>); copied to the form.</summary>
    public string? Urgent { get; set; }
    /// <summary>The form's contact type when it is not a chat (<c>anonymous-mailbox</c> after an answered letter); null: <c>website-chat</c>.</summary>
    public string? ContactType { get; set; }
}
