using System.ComponentModel.DataAnnotations;

namespace Chat.Server.Conversations;

/// <summary>Section <c>Chat</c>: timings and limits of the live chat.</summary>
public sealed class ChatOptions
{
    public const string Section = "Chat";

    /// <summary>How long a message log is kept after the chat ends, so a reload can still show it. Then it is deleted.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan GracePeriod { get; set; } = TimeSpan.FromMinutes(15);

    [Range(1, 10_000)]
    public int MaxMessageLength { get; set; } = 2000;

    /// <summary>Hub calls per second one connection may make on average (messages, typing), and the burst above it.</summary>
    [Range(1, 1_000_000)]
    public int CallsPerSecond { get; set; } = 10;

    [Range(1, 1_000_000)]
    public int CallBurst { get; set; } = 30;

    /// <summary>Messages one chat holds at most (visitor and expert together; the system's notes aside).</summary>
    [Range(1, 10_000_000)]
    public int MaxMessagesPerChat { get; set; } = 1000;

    /// <summary>
    /// The visitor's messages per minute in one chat, shared by every connection resumed on it, on every node (a
    /// person types far fewer; beyond it a send is answered with the hub error code "try-again" and the widget sends it again a moment later).
    /// </summary>
    [Range(1, 1_000_000)]
    public int VisitorMessagesPerMinute { get; set; } = 30;

    /// <summary>A queued visitor whose every connection is gone this long has left the queue.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan VisitorReconnectGrace { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>
    /// An active chat whose visitor has had no connection this long ends (endedBy "system"): a visitor who vanished is not
    /// waited for, and the transcript does not stay readable with their resume token for as long as the chat stays open.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan VisitorAbsentEnd { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>An expert whose every connection is gone this long is taken off shift; their chats go back to the front of the queue.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan ExpertReconnectGrace { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>
    /// A visitor's preferences (the expert's experience, gender, language) give way to "anyone who is free" after this wait;
    /// the visitor is told. An expert who passed a chat on gets it back no sooner than this after.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "01:00:00")]
    public TimeSpan PreferenceFallback { get; set; } = TimeSpan.FromMinutes(3);

    /// <summary>After each chat the expert gets no new one for this long (ended early with "Ik ben er klaar voor").</summary>
    [Range(typeof(TimeSpan), "00:00:00", "01:00:00")]
    public TimeSpan CoolDown { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>Assumed length of a chat for the wait estimate until real chats have ended.</summary>
    [Range(typeof(TimeSpan), "00:01:00", "05:00:00")]
    public TimeSpan TypicalChatLength { get; set; } = TimeSpan.FromMinutes(25);

    /// <summary>
    /// Embedded mode: keep the live state (queue, running chats, presence) across a planned restart, encrypted in
    /// <see cref="LiveStateFile"/> and deleted when read back at start.
    /// </summary>
    public bool KeepLiveStateOnRestart { get; set; } = true;

    /// <summary>Where the embedded live state waits for the restart (default: live-state.bin beside the SQLite records file).</summary>
    public string? LiveStateFile { get; set; }

    /// <summary>How often timeouts are checked (reconnect graces, preference fallback, purging ended logs).</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:10:00")]
    public TimeSpan SweepInterval { get; set; } = TimeSpan.FromSeconds(5);
}
