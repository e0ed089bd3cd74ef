using System.Net;
using System.Text.RegularExpressions;
using Serilog.Core;
using Serilog.Events;
using Serilog.Parsing;

namespace Chat.Server.Abuse;

/// <summary>
/// What may reach a log, decided here. Our own lines are source-generated with fixed fields (ids, codes, counts): never
/// message text, an address, a user agent or a token. Refused and invalid calls go through <see cref="RefusalLog"/> only
/// (a reason code, rate-limited). The framework's own line for every failed hub call is switched off: it is written at
/// Error with a stack trace for each HubException (a refusal meant for the caller), so a script could fill the disk with
/// it; every failure that is not a refusal is logged by the hub filter (Conversations/HubFilters.cs) instead.
/// Whatever still gets through (a framework's line, a library's exception text) passes <see cref="PrivacySink"/> on its
/// way to the console: the one place that enforces the rule for every line the process writes.
/// </summary>
public static partial class LogHygiene
{
    public static ILoggingBuilder AddLogHygiene(this ILoggingBuilder logging) =>
        logging.AddFilter("Microsoft.AspNetCore.SignalR.Internal.DefaultHubDispatcher", LogLevel.None);

    /// <summary>Fields that are dropped from every line whatever they hold (a visitor's text, a token, an address, a browser).</summary>
    private static readonly HashSet<string> Forbidden = new(StringComparer.OrdinalIgnoreCase)
    {
        "Text", "MessageText", "Body", "ResumeToken", "Token", "AccessToken", "Cookie", "Authorization", "Password",
        "RemoteIpAddress", "RemoteIp", "ClientIp", "IpAddress", "ClientAddress", "XForwardedFor", "UserAgent",
        "QueryString", "Query",
    };

    // Candidates only: each is checked with IPAddress.TryParse before it is replaced. Every form of an address, taken
    // whole with its brackets and port: IPv4 (1.2.3.4:5080), IPv6 in all its compressed forms with a zone (fe80::1%eth0),
    // IPv6 with an IPv4 tail (::ffff:127.0.0.1, IPv4-mapped), in brackets with a port ([::ffff:127.0.0.1]:5080), also right
    // after a name and a colon (client:1.2.3.4, RemoteIp:2001:db8::1); never from inside another address.
    [GeneratedRegex(@"(?<![\w.]|(?<![A-Za-z])[0-9A-Fa-f]{1,4}:|::)(?:\[(?<a>" + V6 + @")(?:%[\w.\-]+)?\](?::\d{1,5})?|(?<a>(?:[0-9A-Fa-f]{0,4}:){2,6}" + V4 + @")(?::\d{1,5})?|(?<a>" + V6 + @")(?:%[\w.\-]+)?|(?<a>" + V4 + @")(?::\d{1,5})?)(?![\w%]|[.:][0-9A-Za-z])")]
    private static partial Regex AddressLike();

    private const string V4 = @"\d{1,3}(?:\.\d{1,3}){3}";
    private const string V6 = @"(?:[0-9A-Fa-f]{0,4}:){2,7}(?:" + V4 + @"|[0-9A-Fa-f]{0,4})";

    // A resume token (32 random bytes, base64url: 43 characters) or anything as long and as random.
    [GeneratedRegex(@"[A-Za-z0-9_\-]{40,}")]
    private static partial Regex TokenLike();

    // A URL's or a path's query string (a framework line may log the whole URL): the visitor's page could have put anything there.
    [GeneratedRegex(@"((?:https?|wss?)://[^\s?#""]+|(?<![\w/])/[\w\-./%]*)\?[^\s""#]+")]
    private static partial Regex QueryString();

    public const string RedactedQuery = "?[query]";

    // A name built around a GUID (a data-protection key's file, say) is no secret.
    [GeneratedRegex(@"^[\w\-]*[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")]
    private static partial Regex Guid();

    public const string RedactedAddress = "[address]";
    public const string RedactedToken = "[token]";
    public const string Redacted = "[redacted]";

    /// <summary>A text with every query string, IP address and token-like run replaced.</summary>
    public static string Scrub(string text)
    {
        if (text.Length < 3) return text;
        text = QueryString().Replace(text, m => m.Groups[1].Value + RedactedQuery);
        text = AddressLike().Replace(text, m => ReplaceAddress(text, m));
        return TokenLike().Replace(text, m => Guid().IsMatch(m.Value) ? m.Value : RedactedToken);
    }

    /// <summary>
    /// A client's address goes whole (with its brackets and port). Kept: the server's own listening addresses ("Now
    /// listening on: http://[::]:8080", http://0.0.0.0:8080, http://127.0.0.1:5080): the unspecified address or loopback
    /// as the host of a bare origin (right after "://", nothing after the port). A request's URL has a path: scrubbed.
    /// </summary>
    private static string ReplaceAddress(string text, Match m)
    {
        if (!IPAddress.TryParse(m.Groups["a"].Value, out var address)) return m.Value;
        var end = m.Index + m.Length;
        var own = m.Index >= 3 && string.CompareOrdinal(text, m.Index - 3, "://", 0, 3) == 0 &&
                  (end == text.Length || text[end] is not ('/' or '?' or '#')) &&
                  (IPAddress.IsLoopback(address) || address.Equals(IPAddress.Any) || address.Equals(IPAddress.IPv6Any));
        return own ? m.Value : RedactedAddress;
    }

    /// <summary>
    /// Wraps the console sink: drops the forbidden fields and scrubs addresses and tokens out of every string field and
    /// out of the message template (for a library line built from its input) before anything is written.
    /// </summary>
    public sealed class PrivacySink(ILogEventSink inner) : ILogEventSink, IDisposable
    {
        private static readonly MessageTemplateParser Parser = new();

        public void Emit(LogEvent e)
        {
            var template = Scrub(e.MessageTemplate.Text);
            var properties = e.Properties
                .Select(p => new LogEventProperty(p.Key, Forbidden.Contains(p.Key) ? new ScalarValue(Redacted) : Clean(p.Value)));
            inner.Emit(new LogEvent(e.Timestamp, e.Level, e.Exception is null ? null : new ScrubbedException(e.Exception),
                template == e.MessageTemplate.Text ? e.MessageTemplate : Parser.Parse(template), properties, e.TraceId ?? default, e.SpanId ?? default));
        }

        private static LogEventPropertyValue Clean(LogEventPropertyValue value) => value switch
        {
            ScalarValue { Value: string s } => new ScalarValue(Scrub(s)),
            ScalarValue { Value: IPAddress or IPEndPoint } => new ScalarValue(RedactedAddress),
            SequenceValue q => new SequenceValue(q.Elements.Select(Clean)),
            StructureValue st => new StructureValue(st.Properties.Select(p =>
                new LogEventProperty(p.Name, Forbidden.Contains(p.Name) ? new ScalarValue(Redacted) : Clean(p.Value))), st.TypeTag),
            DictionaryValue d => new DictionaryValue(d.Elements.Select(kv => new KeyValuePair<ScalarValue, LogEventPropertyValue>(kv.Key, Clean(kv.Value)))),
            _ => value,
        };

        public void Dispose() => (inner as IDisposable)?.Dispose();
    }

    /// <summary>An exception as written to the log: its type, scrubbed message and stack trace (a library may put its input in the message).</summary>
    private sealed class ScrubbedException(Exception original) : Exception(Scrub(original.Message))
    {
        public override string? StackTrace => original.StackTrace;
        public override string ToString() => Scrub(original.ToString());
    }
}
