using System.Threading.RateLimiting;
using Microsoft.AspNetCore.SignalR;

namespace Chat.Server.Conversations;

/// <summary>
/// Per-connection rate limit on hub calls (a token bucket per connection), and logging of unexpected errors.
/// HubExceptions are messages for the user and pass through; anything else is logged by method name only
/// (never arguments: they hold message text) and the caller gets a generic message.
/// </summary>
public sealed partial class ChatHubFilter(ILogger<ChatHubFilter> logger) : IHubFilter
{
    private const string LimiterKey = "rate-limiter";

    public async ValueTask<object?> InvokeMethodAsync(HubInvocationContext ctx, Func<HubInvocationContext, ValueTask<object?>> next)
    {
        var limiter = (RateLimiter)ctx.Context.Items[LimiterKey]!;
        using var lease = limiter.AttemptAcquire();
        if (!lease.IsAcquired)
            throw new HubException("Je stuurt te snel achter elkaar. Wacht even en probeer het opnieuw.");
        try
        {
            return await next(ctx);
        }
        catch (HubException)
        {
            throw;
        }
        catch (Exception ex)
        {
            HubMethodFailed(logger, ex, ctx.Hub.GetType().Name, ctx.HubMethodName);
            throw new HubException("Er ging iets mis op de server. Probeer het opnieuw.");
        }
    }

    public Task OnConnectedAsync(HubLifetimeContext ctx, Func<HubLifetimeContext, Task> next)
    {
        ctx.Context.Items[LimiterKey] = new TokenBucketRateLimiter(new TokenBucketRateLimiterOptions
        {
            TokenLimit = 30, TokensPerPeriod = 10, ReplenishmentPeriod = TimeSpan.FromSeconds(1),
            QueueLimit = 0, AutoReplenishment = true,
        });
        return next(ctx);
    }

    public async Task OnDisconnectedAsync(HubLifetimeContext ctx, Exception? exception, Func<HubLifetimeContext, Exception?, Task> next)
    {
        try
        {
            await next(ctx, exception);
        }
        finally
        {
            if (ctx.Context.Items[LimiterKey] is IDisposable d) d.Dispose();
        }
    }

    [LoggerMessage(10, LogLevel.Error, "Hub method {Hub}.{Method} failed")]
    private static partial void HubMethodFailed(ILogger logger, Exception ex, string hub, string method);
}
