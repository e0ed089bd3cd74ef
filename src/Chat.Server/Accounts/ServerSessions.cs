using System.Security.Claims;
using System.Security.Cryptography;
using Chat.Server.Conversations;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;

namespace Chat.Server.Accounts;

/// <summary>
/// One sign-in session as the server keeps it. The cookie holds only a random session key; the server keeps the
/// ticket under a hash of that key (so a copy of the store never yields a working cookie key), with a random
/// <see cref="Handle"/> that the sessions list and the hub connections use (never the key). Times to the hour are what
/// is shown; <see cref="LastSeenAt"/> is written at most once per <see cref="ServerSessions.TouchInterval"/>.
/// </summary>
/// <param name="Client">Browser family and operating system only ("Firefox op Windows"); never the user agent itself.</param>
/// <param name="Stamp">The account's security stamp when the ticket was written: a session of an older stamp is over.</param>
public sealed record ServerSession(string Handle, string UserId, DateTimeOffset CreatedAt, DateTimeOffset LastSeenAt, string Client,
    string? Stamp, DateTimeOffset ExpiresAt, byte[] Ticket);

/// <summary>A session with the hash of its key, as the live-state file keeps it across a planned restart.</summary>
public sealed record KeptSession(string KeyHash, ServerSession Session);

/// <summary>
/// Sessions live on the server (the cookie handler's <see cref="ITicketStore"/>): in memory (embedded mode, kept across a
/// planned restart in the live-state file) or in Redis (every node, protected with Data Protection). Signing out removes
/// the session, so a copied cookie answers 401 afterwards on every node, and closes the expert-hub connections opened
/// with it (a <see cref="SignedOut"/> event to that session's connections through the fan-out). Each account keeps an
/// index of its sessions: listed and ended at <c>/api/auth/sessions</c>.
/// </summary>
public abstract class ServerSessions(TimeProvider time, ChatNotifier notify, IOptions<IdentityOptions> identity) : ITicketStore
{
    /// <summary>The claim that carries the session's handle in the principal (server side only: the cookie holds the key).</summary>
    public const string HandleClaim = "chat:session";

    /// <summary>A session's last-seen time (and its sliding expiry) is written at most this often.</summary>
    public static readonly TimeSpan TouchInterval = TimeSpan.FromMinutes(5);

    /// <summary>The session read by this request's authentication, so renewing it needs no second read.</summary>
    private const string ReadItem = "chat.server-session";

    // ---- Storage -------------------------------------------------------------------------------------------------------

    protected abstract Task<ServerSession?> GetAsync(string keyHash);

    /// <summary>Writes the session and its entry in the account's index; with <paramref name="onlyIfExists"/> never brings back an ended one.</summary>
    protected abstract Task PutAsync(string keyHash, ServerSession session, bool onlyIfExists);

    /// <summary>Removes the session and its index entry; the removed session, or null when there was none.</summary>
    protected abstract Task<ServerSession?> DeleteAsync(string keyHash);

    /// <summary>The account's sessions (its index; entries whose session is gone are dropped).</summary>
    protected abstract Task<IReadOnlyList<KeptSession>> OfAccountAsync(string userId);

    protected abstract Task<string?> KeyHashOfAsync(string userId, string handle);

    protected DateTimeOffset Now => time.GetUtcNow();

    // ---- ITicketStore --------------------------------------------------------------------------------------------------

    public Task<string> StoreAsync(AuthenticationTicket ticket) => StoreAsync(ticket, null!, default);
    public Task<string> StoreAsync(AuthenticationTicket ticket, CancellationToken cancellationToken) => StoreAsync(ticket, null!, cancellationToken);

    public async Task<string> StoreAsync(AuthenticationTicket ticket, HttpContext httpContext, CancellationToken cancellationToken)
    {
        var key = Random(32);
        await PutAsync(Hash(key), New(ticket, httpContext), onlyIfExists: false);
        return key;
    }

    public Task RenewAsync(string key, AuthenticationTicket ticket) => RenewAsync(key, ticket, null!, default);
    public Task RenewAsync(string key, AuthenticationTicket ticket, CancellationToken cancellationToken) => RenewAsync(key, ticket, null!, cancellationToken);

    public async Task RenewAsync(string key, AuthenticationTicket ticket, HttpContext httpContext, CancellationToken cancellationToken)
    {
        var keyHash = Hash(key);
        var session = httpContext?.Items[ReadItem] is KeptSession read && read.KeyHash == keyHash ? read.Session : await GetAsync(keyHash);
        if (session is null) return; // ended meanwhile (signed out elsewhere): never brought back
        var now = Now;
        if (UserIdOf(ticket) != session.UserId)
        {
            // Another account signs in in this browser (the handler keeps the key): the old session ends, a new one starts.
            await EndAsync(keyHash);
            await PutAsync(keyHash, New(ticket, httpContext), onlyIfExists: false);
            return;
        }
        // Every request renews the ticket (the security stamp is checked each time); only a new stamp (a password change in
        // this session) is written at once, the last-seen time and the sliding expiry at most every TouchInterval.
        var stamp = StampOf(ticket);
        if (stamp == session.Stamp && now - session.LastSeenAt < TouchInterval) return;
        await PutAsync(keyHash, session with
        {
            LastSeenAt = now, Stamp = stamp, ExpiresAt = ExpiresOf(ticket, now), Ticket = Serialize(ticket, session.Handle),
        }, onlyIfExists: true);
    }

    public Task<AuthenticationTicket?> RetrieveAsync(string key) => RetrieveAsync(key, null!, default);
    public Task<AuthenticationTicket?> RetrieveAsync(string key, CancellationToken cancellationToken) => RetrieveAsync(key, null!, cancellationToken);

    public async Task<AuthenticationTicket?> RetrieveAsync(string key, HttpContext httpContext, CancellationToken cancellationToken)
    {
        var keyHash = Hash(key);
        var session = await GetAsync(keyHash);
        if (session is null) return null;
        if (httpContext is not null) httpContext.Items[ReadItem] = new KeptSession(keyHash, session);
        var ticket = TicketSerializer.Default.Deserialize(session.Ticket);
        return ticket is null ? null : WithHandle(ticket, session.Handle);
    }

    public Task RemoveAsync(string key) => RemoveAsync(key, null!, default);
    public Task RemoveAsync(string key, CancellationToken cancellationToken) => RemoveAsync(key, null!, cancellationToken);

    /// <summary>Sign-out (and an expired or refused ticket): the session ends on every node.</summary>
    public Task RemoveAsync(string key, HttpContext httpContext, CancellationToken cancellationToken)
    {
        httpContext?.Items.Remove(ReadItem);
        return EndAsync(Hash(key));
    }

    /// <summary>
    /// A sign-in always gets a new session key: the cookie this browser sent (whoever's it was) is dropped from the request
    /// before authentication reads it, and its session ends. Otherwise the cookie handler would keep the old key for the
    /// new sign-in, and someone who copied that cookie earlier (on a shared office computer) would hold the next person's
    /// session (session fixation).
    /// </summary>
    public static IApplicationBuilder UseNewSessionKeyOnSignIn(IApplicationBuilder app) => app.Use((http, next) =>
    {
        var path = http.Request.Path;
        // Not async for everything else (a hub's WebSocket would keep the state machine for the whole visit).
        return HttpMethods.IsPost(http.Request.Method)
               && (path.Equals("/api/auth/login", StringComparison.OrdinalIgnoreCase) || path.Equals("/console/login", StringComparison.OrdinalIgnoreCase))
            ? NewSessionKeyAsync(http, next)
            : next();
    });

    private static async Task NewSessionKeyAsync(HttpContext http, Func<Task> next)
    {
        var cookies = http.RequestServices.GetRequiredService<IOptionsMonitor<CookieAuthenticationOptions>>().Get(IdentityConstants.ApplicationScheme);
        var name = cookies.Cookie.Name!;
        if (http.Request.Cookies.TryGetValue(name, out var value))
        {
            var key = cookies.TicketDataFormat.Unprotect(value)?.Principal?.FindFirst(SessionIdClaim)?.Value;
            if (key is not null) await http.RequestServices.GetRequiredService<ServerSessions>().EndAsync(Hash(key));
            var others = http.Request.Cookies.Where(c => c.Key != name).Select(c => $"{c.Key}={c.Value}");
            http.Request.Headers.Cookie = string.Join("; ", others);
        }
        await next();
    }

    /// <summary>The claim in which the cookie handler keeps the session key (ASP.NET Core's name).</summary>
    private const string SessionIdClaim = "Microsoft.AspNetCore.Authentication.Cookies-SessionId";

    // ---- The account's sessions ----------------------------------------------------------------------------------------

    /// <summary>The account's live sessions, most recently seen first. Sessions of an older security stamp are over and dropped.</summary>
    public async Task<IReadOnlyList<ServerSession>> ListAsync(string userId, string? currentStamp)
    {
        var now = Now;
        var live = new List<ServerSession>();
        foreach (var (keyHash, s) in await OfAccountAsync(userId))
        {
            if (s.UserId != userId) continue;
            if (s.ExpiresAt <= now || s.Stamp != currentStamp) await DeleteAsync(keyHash);
            else live.Add(s);
        }
        return [.. live.OrderByDescending(s => s.LastSeenAt)];
    }

    /// <summary>Ends one of the account's own sessions by its handle; false when the account has no such session.</summary>
    public async Task<bool> EndAsync(string userId, string handle)
    {
        if (await KeyHashOfAsync(userId, handle) is not { } keyHash) return false;
        return await EndAsync(keyHash) is { } ended && ended.UserId == userId;
    }

    /// <summary>Ends every session of the account but <paramref name="exceptHandle"/>; the number ended.</summary>
    /// <param name="notify">Tell each session's hub connections (false when the whole account is told already).</param>
    public async Task<int> EndAllAsync(string userId, string? exceptHandle, bool notify = true)
    {
        var ended = 0;
        foreach (var (keyHash, s) in await OfAccountAsync(userId))
        {
            if (s.Handle == exceptHandle || s.UserId != userId) continue;
            if (await EndAsync(keyHash, notify) is not null) ended++;
        }
        return ended;
    }

    /// <summary>Whether this session still exists (a hub connection's periodic check: a missed sign-out event still ends it).</summary>
    public async Task<bool> IsActiveAsync(string userId, string handle) =>
        await KeyHashOfAsync(userId, handle) is { } keyHash && await GetAsync(keyHash) is { } s && s.UserId == userId && s.ExpiresAt > Now;

    private async Task<ServerSession?> EndAsync(string keyHash, bool tell = true)
    {
        var ended = await DeleteAsync(keyHash);
        if (ended is not null && tell) await notify.ExpertSession(ended.Handle).SignedOut(new SignedOut("signed-out"));
        return ended;
    }

    // ---- Helpers -------------------------------------------------------------------------------------------------------

    private ServerSession New(AuthenticationTicket ticket, HttpContext? http)
    {
        var now = Now;
        var handle = Random(16);
        return new(handle, UserIdOf(ticket) ?? "", ToHour(now), now, ClientName.Of(http?.Request.Headers.UserAgent.ToString()),
            StampOf(ticket), ExpiresOf(ticket, now), Serialize(ticket, handle));
    }

    private string? UserIdOf(AuthenticationTicket ticket) => ticket.Principal.FindFirstValue(identity.Value.ClaimsIdentity.UserIdClaimType);
    private string? StampOf(AuthenticationTicket ticket) => ticket.Principal.FindFirstValue(identity.Value.ClaimsIdentity.SecurityStampClaimType);

    private static DateTimeOffset ExpiresOf(AuthenticationTicket ticket, DateTimeOffset now) => ticket.Properties.ExpiresUtc ?? now.AddHours(10);

    private static byte[] Serialize(AuthenticationTicket ticket, string handle) => TicketSerializer.Default.Serialize(WithHandle(ticket, handle));

    /// <summary>The principal carries its session's handle (one, the server's): hub connections and the list know their session.</summary>
    private static AuthenticationTicket WithHandle(AuthenticationTicket ticket, string handle)
    {
        if (ticket.Principal.Identity is ClaimsIdentity id)
        {
            foreach (var c in id.FindAll(HandleClaim).ToList()) id.RemoveClaim(c);
            id.AddClaim(new Claim(HandleClaim, handle));
        }
        return ticket;
    }

    /// <summary>Keeps the handle when the security-stamp check rebuilds the principal on a request.</summary>
    public static Task KeepHandle(SecurityStampRefreshingPrincipalContext context)
    {
        if (context.CurrentPrincipal?.FindFirstValue(HandleClaim) is { } handle && context.NewPrincipal?.Identity is ClaimsIdentity id
            && id.FindFirst(HandleClaim) is null)
            id.AddClaim(new Claim(HandleClaim, handle));
        return Task.CompletedTask;
    }

    public static DateTimeOffset ToHour(DateTimeOffset t) => new(t.UtcDateTime.Year, t.UtcDateTime.Month, t.UtcDateTime.Day, t.UtcDateTime.Hour, 0, 0, TimeSpan.Zero);

    private static string Random(int bytes) => Base64Url(RandomNumberGenerator.GetBytes(bytes));

    /// <summary>The store's name for a session key: its SHA-256 (the key itself is only in the cookie).</summary>
    public static string Hash(string key) => Base64Url(SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(key)));

    private static string Base64Url(byte[] b) => Convert.ToBase64String(b).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}

/// <summary>Browser family and operating system of a user agent, in two words (read at sign-in; the user agent is not kept).</summary>
public static class ClientName
{
    public static string Of(string? userAgent)
    {
        var ua = userAgent ?? "";
        bool Has(string s) => ua.Contains(s, StringComparison.OrdinalIgnoreCase);
        var browser =
            Has("Edg/") || Has("EdgA/") || Has("EdgiOS/") ? "Edge" :
            Has("OPR/") || Has("Opera") ? "Opera" :
            Has("SamsungBrowser/") ? "Samsung Internet" :
            Has("Firefox/") || Has("FxiOS/") ? "Firefox" :
            Has("Chrome/") || Has("CriOS/") || Has("Chromium/") ? "Chrome" :
            Has("Safari/") && Has("Version/") ? "Safari" :
            "Onbekende browser";
        var os =
            Has("Windows") ? "Windows" :
            Has("iPhone") || Has("iPad") || Has("iPod") ? "iOS" :
            Has("Android") ? "Android" :
            Has("CrOS") ? "ChromeOS" :
            Has("Mac OS X") || Has("Macintosh") ? "macOS" :
            Has("Linux") ? "Linux" :
            "onbekend systeem";
        return $"{browser} op {os}";
    }
}
