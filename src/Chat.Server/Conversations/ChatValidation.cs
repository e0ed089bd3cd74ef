using Chat.Server.Live;
using Chat.Server.Resources;
using Microsoft.AspNetCore.SignalR;

namespace Chat.Server.Conversations;

/// <summary>Checks of hub input. Each failure is a HubException with a message meant for the user; nothing changes.</summary>
public static class ChatValidation
{
    public static readonly string[] AboutCodes = ["victim", "perpetrator", "both", "relative", "professional", "other", "unspecified"];
    public static readonly string[] PreferredExperienceCodes = ["victim", "perpetrator", "any"];
    public static readonly string[] PreferredGenderCodes = ["woman", "man", "any"];
    public static readonly string[] Languages = ["nl", "en"];
    public static readonly string[] BlockReasons = ["abusive", "threatening", "prank", "other"];

    public static VisitorProfile Profile(StartChatRequest? r)
    {
        var about = Code(r?.About, AboutCodes, "unspecified", "about");
        var preferred = Code(r?.PreferredExperience, PreferredExperienceCodes, "any", "preferredExperience");
        var language = Code(r?.Language, Languages, "nl", "language");
        var gender = Code(r?.PreferredGender, PreferredGenderCodes, "any", "preferredGender");
        string? referral = null;
        if (!string.IsNullOrWhiteSpace(r?.Referral))
        {
            referral = r.Referral.Trim();
            if (referral.Length > 40 || !referral.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_'))
                throw new HubException(HubTextResources.ReferralCode);
            referral = referral.ToLowerInvariant();
        }
        return new VisitorProfile(about, preferred, r?.FollowUp, referral, language, gender, r?.InDanger);
    }

    private static string Code(string? value, string[] allowed, string fallback, string field)
    {
        if (string.IsNullOrWhiteSpace(value)) return fallback;
        if (!allowed.Contains(value))
            // The value itself is not repeated: it may hold what a visitor typed, and refusals are logged.
            throw new HubException(HubTexts.Format(HubTextResources.UnknownValue, field, string.Join(", ", allowed)));
        return value;
    }

    public static void Message(string? clientMessageId, string? text, int maxLength)
    {
        if (string.IsNullOrWhiteSpace(clientMessageId) || clientMessageId.Length > 64)
            throw new HubException(HubTextResources.ClientMessageIdMissing);
        if (string.IsNullOrWhiteSpace(text))
            throw new HubException(HubTextResources.MessageEmpty);
        if (text.Length > maxLength)
            throw new HubException(HubTexts.Format(HubTextResources.MessageTooLong, maxLength));
    }

    public static void ConversationId(string? conversationId)
    {
        if (string.IsNullOrWhiteSpace(conversationId) || conversationId.Length > 64)
            throw new HubException(HubTextResources.ConversationIdMissing);
    }

    public static string Availability(string? availability)
    {
        if (availability is null || !Live.Availability.All.Contains(availability))
            throw new HubException(HubTextResources.UnknownAvailability);
        return availability;
    }

    public static string BlockReason(string? reason)
    {
        if (reason is null || !BlockReasons.Contains(reason))
            throw new HubException(HubTexts.Format(HubTextResources.UnknownBlockReason, string.Join(", ", BlockReasons)));
        return reason;
    }
}
