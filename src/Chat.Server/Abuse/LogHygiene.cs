namespace Chat.Server.Abuse;

/// <summary>
/// What may reach a log, decided here. Our own lines are source-generated with fixed fields (ids, codes, counts): never
/// message text, an address, a user agent or a token. Refused and invalid calls go through <see cref="RefusalLog"/> only
/// (a reason code, rate-limited). The framework's own line for every failed hub call is switched off: it is written at
/// Error with a stack trace for each HubException (a refusal meant for the caller), so a script could fill the disk with
/// it; every failure that is not a refusal is logged by the hub filter (Conversations/HubFilters.cs) instead.
/// </summary>
public static class LogHygiene
{
    public static ILoggingBuilder AddLogHygiene(this ILoggingBuilder logging) =>
        logging.AddFilter("Microsoft.AspNetCore.SignalR.Internal.DefaultHubDispatcher", LogLevel.None);
}
