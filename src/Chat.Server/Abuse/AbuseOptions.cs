using System.ComponentModel.DataAnnotations;

namespace Chat.Server.Abuse;

/// <summary>Section <c>Abuse</c>: what one address may do, so one script cannot fill the queue.</summary>
public sealed class AbuseOptions
{
    public const string Section = "Abuse";

    /// <summary>Chats queued or active at once from one address; one more is refused ("limit").</summary>
    [Range(1, 1_000_000)]
    public int MaxOpenChatsPerAddress { get; set; } = 3;

    /// <summary>Chats one address may start in any hour.</summary>
    [Range(1, 1_000_000)]
    public int ChatsPerAddressPerHour { get; set; } = 10;

    /// <summary>Visitor-hub connections open at once from one address (429 beyond).</summary>
    [Range(1, 1_000_000)]
    public int ConnectionsPerAddress { get; set; } = 20;

    /// <summary>How long <c>BlockVisitor</c> keeps an address out.</summary>
    [Range(typeof(TimeSpan), "00:01:00", "30.00:00:00")]
    public TimeSpan BlockDuration { get; set; } = TimeSpan.FromHours(24);

    /// <summary>
    /// Sign-in attempts (and password changes) a minute from one address, for all nodes together; more get 429. Raise it
    /// for an office where many colleagues sign in behind one address at the start of a shift.
    /// </summary>
    [Range(1, 1000)]
    public int SignInsPerMinute { get; set; } = 10;

    /// <summary>Visitors waiting at once, from all addresses together; one more is refused ("busy").</summary>
    [Range(1, 1_000_000)]
    public int MaxQueue { get; set; } = 50;

    /// <summary>How often the key of the address hash changes (at most a day).</summary>
    [Range(typeof(TimeSpan), "00:01:00", "1.00:00:00")]
    public TimeSpan KeyRotation { get; set; } = TimeSpan.FromDays(1);
}

/// <summary>Section <c>Network</c>.</summary>
public sealed class NetworkOptions
{
    public const string Section = "Network";

    /// <summary>
    /// Reverse proxies (addresses or CIDR ranges) whose <c>X-Forwarded-For</c> and <c>X-Forwarded-Proto</c> are
    /// believed. Empty: the socket's address is the client's (no proxy is trusted, not even on loopback).
    /// </summary>
    public string[] TrustedProxies { get; set; } = [];
}

/// <summary>Section <c>Security</c>.</summary>
public sealed class SecurityOptions
{
    public const string Section = "Security";

    /// <summary>Origins (scheme://host[:port]) besides the server's own whose pages may open a hub connection.</summary>
    public string[] AllowedOrigins { get; set; } = [];
}
