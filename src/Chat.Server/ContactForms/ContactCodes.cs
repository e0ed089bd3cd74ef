namespace Chat.Server.ContactForms;

/// <summary>One answer code of the contact form with its Dutch and English label.</summary>
public sealed record Code(string Key, string Nl, string En)
{
    public string Label(string? language) => language == "en" ? En : Nl;
}

/// <summary>One field of the contact form: its codes in the order of the reports' tables.</summary>
public sealed record CodeField(string Name, bool Multiple, string Nl, string En, IReadOnlyList<Code> Codes)
{
    public bool Has(string? key) => key is not null && Codes.Any(c => c.Key == key);

    /// <summary>Several-answer codes as a bit mask: bit i is Codes[i].</summary>
    public int Mask(IEnumerable<string>? keys)
    {
        var mask = 0;
        foreach (var k in keys ?? [])
        {
            var i = IndexOf(k);
            if (i >= 0) mask |= 1 << i;
        }
        return mask;
    }

    /// <summary>The codes of a mask, in the field's order.</summary>
    public string[] Keys(int mask) => Codes.Where((_, i) => (mask & (1 << i)) != 0).Select(c => c.Key).ToArray();

    public int IndexOf(string key)
    {
        for (var i = 0; i < Codes.Count; i++) if (Codes[i].Key == key) return i;
        return -1;
    }
    public string Label(string? language) => language == "en" ? En : Nl;
}

/// <summary>
/// The closed, pre-coded answers of the contact form (docs/contract.md). The single source of the codes,
/// their order and their labels for the form, the validation and the statistics.
/// </summary>
public static class ContactCodes
{
    public static readonly CodeField Conversation = new("conversation", false, "Gesprek", "Conversation",
    [
        new("first", "eerste gesprek", "first conversation"),
        new("follow-up", "vervolggesprek", "follow-up conversation"),
        new("unknown", "onbekend", "unknown"),
    ]);

    public static readonly CodeField ContactType = new("contactType", false, "Soort contact", "Type of contact",
    [
        new("website-chat", "chat via website", "website chat"),
        new("phone", "telefonisch", "phone"),
        new("whatsapp", "WhatsApp", "WhatsApp"),
        new("face-to-face", "face-to-face", "face to face"),
        new("social-media", "persoonlijke berichten social media", "social media direct messages"),
        new("sms", "sms", "text message"),
        new("email", "e-mail", "email"),
        new("anonymous-mailbox", "anoniem bericht (brievenbus)", "anonymous message (mailbox)"),
        new("other", "anders", "other"),
    ]);

    public static readonly CodeField ContactSeeker = new("contactSeeker", false, "Contactzoeker", "Contact seeker",
    [
        new("victim", "slachtoffer", "victim"),
        new("perpetrator", "pleger", "perpetrator"),
        new("victim-and-perpetrator", "beide", "both"),
        new("parent-of-victim", "ouder van slachtoffer", "parent of a victim"),
        new("relative", "andere naaste", "other relative or friend"),
        new("professional", "(andere) hulpverlener", "(other) professional"),
        new("other", "anders", "other"),
        new("unknown", "onbekend", "unknown"),
    ]);

    public static readonly CodeField ReferralSources = new("referralSources", true, "Hoe is het contact tot stand gekomen", "How the contact came about",
    [
        new("website", "de website", "the website"),
        new("giveaway-card", "de weggeefkaart", "the give-away card"),
        new("flyer-victims", "flyer voor slachtoffers", "flyer for victims"),
        new("flyer-perpetrators", "flyer voor plegers", "flyer for perpetrators"),
        new("acquaintance", "bekenden van de contactzoeker", "people the contact seeker knows"),
        new("professional", "op aanraden van professional", "advice of a professional"),
        new("other", "anders", "other"),
    ]);

    public static readonly CodeField Support = new("support", true, "Geboden ondersteuning", "Support given",
    [
        new("listening-ear", "luisterend oor bieden", "a listening ear"),
        new("advice-personal-action", "advies op het vlak van persoonlijk handelen", "advice on personal action"),
        new("advice-professional-help", "advies om professionele hulp in te schakelen", "advice to seek professional help"),
    ]);

    public static readonly CodeField ProfessionalHelp = new("professionalHelp", true, "Welke professionele hulp", "Which professional help",
    [
        new("mental-health", "GGZ", "mental health care (GGZ)"),
        new("police", "politie", "police"),
        new("psychological-help", "psychische hulpverlening", "psychological help"),
        new("veilig-thuis", "Veilig Thuis", "Veilig Thuis"),
        new("general-practitioner", "huisarts", "general practitioner"),
        new("social-work", "wijkteam / maatschappelijk werk", "neighbourhood team / social work"),
        new("victim-support", "Slachtofferhulp", "Victim Support"),
        new("other", "anders", "other"),
    ]);

    public static readonly CodeField Safety = new("safety", false, "Veiligheid", "Safety",
    [
        new("none", "geen zorgen", "no concerns"),
        new("concern", "zorgen over veiligheid", "concerns about safety"),
        new("acute", "acuut onveilig (112 / Veilig Thuis ingeschakeld of geadviseerd)", "acutely unsafe (112 / Veilig Thuis involved or advised)"),
    ]);

    public static readonly IReadOnlyList<CodeField> Fields =
        [Conversation, ContactType, ContactSeeker, ReferralSources, Support, ProfessionalHelp, Safety];

    /// <summary>
    /// The visitor's own neutral self-description mapped onto the form's contact seeker; null when they did not say: the
    /// expert answers (until 2026-12-05 it was "unknown" then, an answer the form showed as given).
    /// </summary>
    public static string? ContactSeekerFromAbout(string? about) => about switch
    {
        "victim" => "victim",
        "perpetrator" => "perpetrator",
        "both" => "victim-and-perpetrator",
        "relative" => "relative",
        "professional" => "professional",
        "other" => "other",
        _ => null,
    };

    /// <summary>The visitor's answer to "eerder contact gehad?"; null when they did not say (the expert answers).</summary>
    public static string? ConversationFromFollowUp(bool? followUp) => followUp switch
    {
        true => "follow-up",
        false => "first",
        null => null,
    };

    /// <summary>
    /// The page's <c>data-referral</c> when it is one of the form's codes; otherwise nothing: the expert answers (or leaves
    /// it unanswered). Until 2026-12-05 an unknown referral was filled in as "de website", a finding nobody made that the
    /// statistics then counted, while the chat's header said "Via: onbekend".
    /// </summary>
    public static IReadOnlyList<string> ReferralFromPage(string? referral) =>
        ReferralSources.Has(referral) && referral != "other" ? [referral!] : [];
}
