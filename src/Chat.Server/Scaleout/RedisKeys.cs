using StackExchange.Redis;

namespace Chat.Server.Scaleout;

/// <summary>
/// Every Redis key and channel name of Redis mode, in one place, each behind the deployment's <c>Redis:KeyPrefix</c>
/// (several deployments can share one Redis). The store, the connection tracker, the fan-out, data protection and the
/// append-only-file compaction take their names from here only. A Lua script gets the keys it knows before it runs as
/// KEYS; for keys it finds from data (the expert of a session, the sessions in a set) it gets the family's prefix as an
/// argument. Nothing else spells a key name.
/// </summary>
public sealed class RedisKeys(string prefix)
{
    // ---- Live state (Live/RedisLiveStore.cs) -------------------------------------------------------------------------

    /// <summary>A session: hash of its state, expert and times (fields listed in RedisLiveStore).</summary>
    public KeyFamily Session { get; } = new(prefix + "s:");
    /// <summary>Conversation id -> session id.</summary>
    public KeyFamily Conversation { get; } = new(prefix + "c:");
    /// <summary>Resume-token hash -> session id.</summary>
    public KeyFamily ResumeToken { get; } = new(prefix + "t:");
    /// <summary>A conversation's messages: list of message JSON, index = seq - 1.</summary>
    public KeyFamily Log { get; } = new(prefix + "log:");
    /// <summary>A conversation's client message ids: hash "from:clientId" -> seq.</summary>
    public KeyFamily MessageIds { get; } = new(prefix + "ids:");
    /// <summary>The visitor's messages this minute in a conversation (expires with the minute).</summary>
    public KeyFamily MessageRate { get; } = new(prefix + "mr:");
    /// <summary>An expert's presence: hash of availability, connected, max chats, account fields, times.</summary>
    public KeyFamily Expert { get; } = new(prefix + "e:");
    /// <summary>Set of an expert's active session ids.</summary>
    public KeyFamily ExpertChats { get; } = new(prefix + "ec:");
    /// <summary>An expert's cool-down: until (ms).</summary>
    public KeyFamily CoolDown { get; } = new(prefix + "cd:");
    /// <summary>Set of an address hash's queued or active sessions.</summary>
    public KeyFamily AddressOpen { get; } = new(prefix + "ao:");
    /// <summary>Zset of an address hash's chat starts in the last hour.</summary>
    public KeyFamily AddressStarts { get; } = new(prefix + "ah:");
    /// <summary>Zset: session id by request time (ms).</summary>
    public RedisKey Queue { get; } = prefix + "q";
    /// <summary>Set of every known expert id.</summary>
    public RedisKey Experts { get; } = prefix + "experts";
    /// <summary>Zset: ended session id by end time (ms), until purged.</summary>
    public RedisKey Ended { get; } = prefix + "ended";
    /// <summary>List of the last chats' lengths (seconds).</summary>
    public RedisKey ChatLengths { get; } = prefix + "lengths";

    // ---- Connection counts (Scaleout/RedisConnectionTracker.cs) ------------------------------------------------------

    /// <summary>A visitor session's connections: hash node id -> count.</summary>
    public KeyFamily VisitorConnections { get; } = new(prefix + "vconn:");
    /// <summary>An expert's connections: hash node id -> count (also read by the store's disconnect).</summary>
    public KeyFamily ExpertConnections { get; } = new(prefix + "econn:");
    /// <summary>A node's heartbeat (expires after Redis:NodeTimeout).</summary>
    public KeyFamily Node { get; } = new(prefix + "node:");
    /// <summary>Set of sessions with a connection count.</summary>
    public RedisKey VisitorsConnected { get; } = prefix + "vconns";
    /// <summary>Zset: session id by the time its last connection closed (ms).</summary>
    public RedisKey VisitorsGone { get; } = prefix + "vgone";
    /// <summary>Set of experts with a connection count.</summary>
    public RedisKey ExpertsConnected { get; } = prefix + "econns";

    // ---- Abuse (Abuse/AbuseStore.cs, Abuse/ClientAddress.cs) ---------------------------------------------------------

    /// <summary>A block: its JSON (expires at its end).</summary>
    public KeyFamily Block { get; } = new(prefix + "blk:");
    /// <summary>An address hash's blocks: zset block id by end (ms; expires with the last).</summary>
    public KeyFamily AddressBlocks { get; } = new(prefix + "blkh:");
    /// <summary>Zset: every block id by end (ms).</summary>
    public RedisKey Blocks { get; } = prefix + "blks";
    /// <summary>An address hash's open hub connections: hash node id -> count.</summary>
    public KeyFamily AddressConnections { get; } = new(prefix + "acn:");
    /// <summary>A count in a window (expires with the window): a marker of CountInWindowAsync.</summary>
    public KeyFamily WindowCount { get; } = new(prefix + "once:");
    /// <summary>The address-hash key of one rotation period (expires when no hash made with it may be kept).</summary>
    public KeyFamily AddressKey { get; } = new(prefix + "ak:");

    // ---- Sign-in sessions (Accounts/RedisSessionStore.cs) ------------------------------------------------------------

    /// <summary>A sign-in session by the hash of its key: its ticket and times, protected with Data Protection (expires with the ticket).</summary>
    public KeyFamily SignIn { get; } = new(prefix + "si:");
    /// <summary>An account's sessions: hash handle -> key hash (expires with its last session).</summary>
    public KeyFamily AccountSignIns { get; } = new(prefix + "sia:");

    // ---- Events, data protection, compaction -------------------------------------------------------------------------

    /// <summary>The pub/sub channel every node's events go through (Scaleout/RedisScaleout.cs).</summary>
    public RedisChannel Events { get; } = RedisChannel.Literal(prefix + "events");
    /// <summary>The data-protection key ring (list of XML elements), shared by every node.</summary>
    public RedisKey DataProtection { get; } = prefix + "dataprotection";
    /// <summary>
    /// Zset: ended session id by the time its keys expire (ms), until the append-only file was rewritten after that
    /// (Scaleout/AofCompaction.cs). Ids only: nothing about the visitor.
    /// </summary>
    public RedisKey CompactPending { get; } = prefix + "compact:pending";
    /// <summary>The live-state format of this Redis ("hashes" once the old JSON keys were removed; Scaleout/LiveFormatUpgrade.cs).</summary>
    public RedisKey LiveFormat { get; } = prefix + "format";
    /// <summary>The lease of the node that rewrites the append-only file this interval (SET NX PX).</summary>
    public RedisKey CompactLease { get; } = prefix + "compact:lease";
}

/// <summary>A family of keys: one prefix, one key per id.</summary>
public readonly record struct KeyFamily(string Prefix)
{
    public RedisKey this[string id] => Prefix + id;
}
