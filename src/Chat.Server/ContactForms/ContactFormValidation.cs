namespace Chat.Server.ContactForms;

/// <summary>Validates a contact form: every field named in the result is wrong; an empty result means valid.</summary>
public static class ContactFormValidation
{
    public static Dictionary<string, string[]> Validate(ContactFormRequest? f, DateTimeOffset now)
    {
        var e = new Dictionary<string, string[]>();
        if (f is null)
        {
            e[""] = ["Het formulier is leeg."];
            return e;
        }

        if (f.ConversationId is not null && (f.ConversationId.Length is 0 or > 32))
            e["conversationId"] = ["Ongeldig gesprek."];
        if (f.ConversationId is null && f.OccurredAt is null)
            e["occurredAt"] = ["Vul in wanneer het contact was."];
        else if (f.OccurredAt is { } at && (at > now.AddHours(1) || at < now.AddYears(-2)))
            e["occurredAt"] = ["Het tijdstip ligt in de toekomst of meer dan twee jaar terug."];
        if (f.DurationMinutes is null or < 1 or > 600)
            e["durationMinutes"] = ["De duur is 1 tot 600 minuten."];

        Single(e, ContactCodes.Conversation, f.Conversation);
        Single(e, ContactCodes.ContactType, f.ContactType);
        Single(e, ContactCodes.ContactSeeker, f.ContactSeeker);
        Single(e, ContactCodes.Safety, f.Safety);
        Several(e, ContactCodes.ReferralSources, f.ReferralSources);
        Several(e, ContactCodes.Support, f.Support);
        Several(e, ContactCodes.ProfessionalHelp, f.ProfessionalHelp);

        if (f.ConversationId is not null && f.ContactType is not null && f.ContactType is not ("website-chat" or "anonymous-mailbox"))
            e["contactType"] = ["Een chatgesprek heeft soort contact 'chat via website' (een brief: 'anoniem bericht (brievenbus)')."];
        if (f.ProfessionalHelp is { Length: > 0 } && f.Support?.Contains("advice-professional-help") != true)
            e["professionalHelp"] = ["Alleen in te vullen bij 'advies om professionele hulp in te schakelen'."];
        if (!string.IsNullOrWhiteSpace(f.ReferralOther))
        {
            if (f.ReferralSources?.Contains("other") != true)
                e["referralOther"] = ["Alleen in te vullen bij 'anders'."];
            else if (f.ReferralOther.Trim().Length > 100)
                e["referralOther"] = ["Maximaal 100 tekens."];
        }
        return e;
    }

    private static void Single(Dictionary<string, string[]> e, CodeField field, string? value)
    {
        if (string.IsNullOrEmpty(value)) e[field.Name] = ["Kies een antwoord."];
        else if (!field.Has(value)) e[field.Name] = [$"Onbekende code '{Short(value)}'."];
    }

    private static void Several(Dictionary<string, string[]> e, CodeField field, string[]? values)
    {
        if (values is null) return;
        var bad = values.Where(v => !field.Has(v)).ToList();
        if (bad.Count > 0) e[field.Name] = [$"Onbekende code(s): {string.Join(", ", bad.Select(Short))}."];
        else if (values.Distinct().Count() != values.Length) e[field.Name] = ["Een code staat er dubbel in."];
    }

    private static string Short(string s) => s.Length <= 32 ? s : s[..32] + "…";
}
