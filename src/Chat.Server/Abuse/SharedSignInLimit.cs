using Microsoft.AspNetCore.RateLimiting;

namespace Chat.Server.Abuse;

/// <summary>
/// The sign-in limit (<see cref="AbuseOptions.SignInsPerMinute"/>, 10 attempts a minute per client address by default) counted in the abuse store, so that in Redis mode it holds
/// for all nodes together: the framework's rate limiter (the "login" policy, kept as a cheap first gate) counts per node
/// only, and a guesser behind a load balancer would otherwise get 10 a minute from every node. Applies to every
/// endpoint with the "login" policy (the sign-in API, the console's login form, the password change), POSTs only.
/// </summary>
public sealed class SharedSignInLimit(RequestDelegate next, IAbuseStore abuse, TimeProvider time, Microsoft.Extensions.Options.IOptionsMonitor<AbuseOptions> options)
{
    public Task InvokeAsync(HttpContext http) =>
        HttpMethods.IsPost(http.Request.Method) && http.GetEndpoint()?.Metadata.GetMetadata<EnableRateLimitingAttribute>()?.PolicyName == "login"
            ? CheckAsync(http)
            : next(http); // not async for everything else (a hub's WebSocket would keep the state machine for the whole visit)

    private async Task CheckAsync(HttpContext http)
    {
        if (http.ClientAddress() is { } address
            && await abuse.CountInWindowAsync("signin:" + address.Hash, TimeSpan.FromMinutes(1), time.GetUtcNow()) > options.CurrentValue.SignInsPerMinute)
        {
            http.Response.StatusCode = StatusCodes.Status429TooManyRequests;
            http.Response.Headers.RetryAfter = "60";
            await http.Response.WriteAsJsonAsync(new
            {
                type = "https://tools.ietf.org/html/rfc6585#section-4", title = "Te veel pogingen",
                status = 429, detail = "Te veel pogingen om in te loggen. Probeer het over een minuut opnieuw.",
            }, http.RequestAborted);
            return;
        }
        await next(http);
    }
}
