namespace Chat.Server.Accounts;

/// <summary>
/// Per account, in the records (so every node sees the same): wrong second-factor codes since the last right one, the
/// end of a code lock, and the last time step an authenticator code was accepted for. Times are UTC Unix seconds.
/// </summary>
public sealed class CodeCheck
{
    public string UserId { get; set; } = "";

    /// <summary>Wrong codes (and checks under way) since the last right code or the last lock.</summary>
    public int Failures { get; set; }

    /// <summary>Until when code checks of this account are refused (0: not locked).</summary>
    public long LockedUntil { get; set; }

    /// <summary>The 30-second TOTP step of the last accepted app code: only a later step is accepted.</summary>
    public long LastStep { get; set; }
}
