using Chat.Server.Resources;
using Microsoft.AspNetCore.SignalR;

namespace Chat.Server.Conversations;

/// <summary>
/// Per-connection rate limit on hub calls (a token bucket per connection), the calls' order (see
/// <see cref="InvocationOrder"/>), and logging of unexpected errors.
/// HubExceptions are messages for the user and pass through; anything else is logged by method name only
/// (never arguments: they hold message text) and the caller gets a generic message.
/// </summary>
public sealed partial class ChatHubFilter(ILogger<ChatHubFilter> logger, Microsoft.Extensions.Options.IOptionsMonitor<ChatOptions> options,
    Abuse.RefusalLog refusals, Accounts.SessionCheck sessions, TimeProvider time) : IHubFilter
{
    private const string LimiterKey = "rate-limiter";
    private const string OrderKey = "invocation-order";

    public async ValueTask<object?> InvokeMethodAsync(HubInvocationContext ctx, Func<HubInvocationContext, ValueTask<object?>> next)
    {
        if (!((CallBudget)ctx.Context.Items[LimiterKey]!).TryTake())
        {
            refusals.Refused(ctx.Context.ConnectionId, "call-rate", ctx.Hub.GetType().Name + "." + ctx.HubMethodName);
            throw HubErrors.TryAgainLater(HubTextResources.CallRate);
        }
        if (ctx.Hub is ExpertHub && !await sessions.StillValidAsync(ctx.Context))
        {
            ctx.Context.Abort();
            throw new HubException(HubTextResources.SessionEnded);
        }
        // An expert's call reads and writes the records of their own projects only (Tenancy/ProjectScope).
        if (ctx.Hub is ExpertHub && ctx.Context.User is { } user)
            ctx.ServiceProvider.GetRequiredService<Tenancy.ProjectScope>().Restrict(Tenancy.ProjectScope.Of(user));
        var (before, mine) = ((InvocationOrder)ctx.Context.Items[OrderKey]!).Next();
        ctx.ServiceProvider.GetRequiredService<InvocationTurn>().Begin(mine);
        try
        {
            await before;
            return await next(ctx);
        }
        catch (HubException ex)
        {
            // Meant for the caller; logged as a refusal: a code, never the input, never a stack trace, rate-limited.
            refusals.Refused(ctx.Context.ConnectionId, ex is ChatRefusal r ? r.Reason : "invalid-call", ctx.Hub.GetType().Name + "." + ctx.HubMethodName);
            throw;
        }
        catch (Exception ex) when (Transient.Is(ex))
        {
            // Nothing was acknowledged: the client keeps the message and sends it again (same id) a moment later.
            HubMethodUnavailable(logger, ctx.Hub.GetType().Name, ctx.HubMethodName, ex.GetType().Name);
            throw HubErrors.TryAgainLater(Transient.Text);
        }
        catch (Exception ex)
        {
            HubMethodFailed(logger, ex, ctx.Hub.GetType().Name, ctx.HubMethodName);
            throw new HubException(HubTextResources.ServerError);
        }
        finally
        {
            mine.TrySetResult();
        }
    }

    public Task OnConnectedAsync(HubLifetimeContext ctx, Func<HubLifetimeContext, Task> next)
    {
        ctx.Context.Items[LimiterKey] = new CallBudget(options.CurrentValue.CallBurst, options.CurrentValue.CallsPerSecond, time);
        ctx.Context.Items[OrderKey] = new InvocationOrder();
        return next(ctx);
    }

    [LoggerMessage(11, LogLevel.Warning, "Hub method {Hub}.{Method} could not reach the live store ({Error})")]
    private static partial void HubMethodUnavailable(ILogger logger, string hub, string method, string error);

    [LoggerMessage(10, LogLevel.Error, "Hub method {Hub}.{Method} failed")]
    private static partial void HubMethodFailed(ILogger logger, Exception ex, string hub, string method);
}

/// <summary>
/// A connection's budget of hub calls: a token bucket of <c>burst</c> tokens, refilled at <c>perSecond</c> as time
/// passes, counted when a call comes (no timer per connection: the framework's limiter with auto-replenishment kept
/// one timer per connection, 10,000 timer callbacks a second for 10,000 idle visitors).
/// </summary>
public sealed class CallBudget(int burst, int perSecond, TimeProvider time)
{
    private readonly Lock _gate = new();
    private double _tokens = burst;
    private long _at = time.GetTimestamp();

    public bool TryTake()
    {
        lock (_gate)
        {
            var now = time.GetTimestamp();
            _tokens = Math.Min(burst, _tokens + time.GetElapsedTime(_at, now).TotalSeconds * perSecond);
            _at = now;
            if (_tokens < 1) return false;
            _tokens--;
            return true;
        }
    }
}

/// <summary>
/// Failures that pass (Redis restarting or unreachable). Hub callers get <see cref="HubTextResources.Unavailable"/> with the code
/// <see cref="HubErrors.TryAgain"/>: the clients keep such a message pending and send it again; HTTP callers get 503.
/// </summary>
public static class Transient
{
    public static string Text => HubTextResources.Unavailable;

    public static bool Is(Exception ex) =>
        ex is StackExchange.Redis.RedisException or TimeoutException || ex.InnerException is { } inner && Is(inner);
}

/// <summary>HTTP: a transient failure is a 503 ProblemDetails, not a 500.</summary>
public sealed class TransientExceptionHandler(IProblemDetailsService problems) : Microsoft.AspNetCore.Diagnostics.IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext http, Exception exception, CancellationToken ct)
    {
        if (!Transient.Is(exception)) return false;
        http.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
        http.Response.Headers.RetryAfter = "5";
        return await problems.TryWriteAsync(new()
        {
            HttpContext = http,
            ProblemDetails = { Status = 503, Title = "Tijdelijk niet beschikbaar", Detail = "Probeer het over enkele seconden opnieuw." },
        });
    }
}
