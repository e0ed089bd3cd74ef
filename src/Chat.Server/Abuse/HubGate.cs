using Microsoft.Extensions.Options;

namespace Chat.Server.Abuse;

/// <summary>
/// In front of the hubs: a handshake from a page of a foreign origin is refused (403), whatever the hub (a visitor's
/// browser must not be made to chat by another site, and an expert's cookie must not be usable from one); and one
/// address holds at most <see cref="AbuseOptions.ConnectionsPerAddress"/> visitor connections at once (429). A
/// WebSocket request lasts as long as its connection, so the slot is held exactly that long, on every node.
/// </summary>
public sealed class HubGate(RequestDelegate next, IAbuseStore store, IOptionsMonitor<AbuseOptions> abuse,
    IOptionsMonitor<SecurityOptions> security, RefusalLog refusals, IProblemDetailsService problems, IHostApplicationLifetime lifetime)
{
    public async Task InvokeAsync(HttpContext http)
    {
        if (!http.Request.Path.StartsWithSegments("/hubs"))
        {
            await next(http);
            return;
        }
        // A node that is stopping takes no new connection: the client tries again and the load balancer sends it elsewhere.
        if (lifetime.ApplicationStopping.IsCancellationRequested)
        {
            http.Response.Headers.RetryAfter = "1";
            await Problem(http, StatusCodes.Status503ServiceUnavailable, "De server start opnieuw", "Probeer het zo opnieuw.");
            return;
        }
        if (http.Request.Headers.Origin is [{ } origin] && !IsAllowedOrigin(http, origin))
        {
            refusals.Refused(http.Connection.Id, "foreign-origin", "/hubs");
            await Problem(http, StatusCodes.Status403Forbidden, "Herkomst niet toegestaan",
                "Deze pagina mag geen verbinding maken met de chat.");
            return;
        }
        // The hubs take WebSockets only; every request but the negotiation is a connection for its whole life. (The
        // WebSocket feature itself is added later, inside SignalR's own endpoint pipeline, so it cannot be asked here.)
        if (!Conversations.VisitorHub.IsRequest(http) || http.Request.Path.Value!.EndsWith("/negotiate", StringComparison.Ordinal)
            || http.ClientAddress() is not { } address)
        {
            await next(http);
            return;
        }
        if (!await store.TryOpenConnectionAsync(address.Hash, abuse.CurrentValue.ConnectionsPerAddress))
        {
            refusals.Refused(http.Connection.Id, "connections", "/hubs/visitor");
            http.Response.Headers.RetryAfter = "30";
            await Problem(http, StatusCodes.Status429TooManyRequests, "Te veel verbindingen",
                "Er zijn te veel chatvensters open vanaf dit adres. Sluit er een paar en probeer het opnieuw.");
            return;
        }
        try
        {
            await next(http);
        }
        finally
        {
            try
            {
                await store.CloseConnectionAsync(address.Hash);
            }
            catch (Exception ex) when (Conversations.Transient.Is(ex))
            {
                // Redis away: the count stays one too high until the key expires (a day) or this node's field is dropped.
                refusals.Refused("node", "connection-count-not-released", "/hubs/visitor");
            }
        }
    }

    private bool IsAllowedOrigin(HttpContext http, string origin)
    {
        var own = http.Request.Scheme + "://" + http.Request.Host.Value;
        if (string.Equals(origin, own, StringComparison.OrdinalIgnoreCase)) return true;
        return security.CurrentValue.AllowedOrigins.Any(o => string.Equals(o.TrimEnd('/'), origin, StringComparison.OrdinalIgnoreCase));
    }

    private Task Problem(HttpContext http, int status, string title, string detail)
    {
        http.Response.StatusCode = status;
        return problems.WriteAsync(new() { HttpContext = http, ProblemDetails = { Status = status, Title = title, Detail = detail } }).AsTask();
    }
}
