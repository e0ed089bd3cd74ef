using Chat.Server.Scaleout;
using Chat.Server.Storage;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Chat.Server.Operations;

/// <summary>
/// The checks behind <c>/health/ready</c>, each with a time-out of its own, so the answer comes well within the health
/// checks of docker and the load balancer (5 s) even when a dependency hangs: an unreachable Redis, a PostgreSQL that
/// does not answer. The checks run side by side, so the whole answer takes at most the longest time-out.
/// </summary>
public static class ReadinessChecks
{
    public static readonly TimeSpan RecordsTimeout = TimeSpan.FromSeconds(1.5);
    public static readonly TimeSpan RedisTimeout = TimeSpan.FromSeconds(1);

    public static IHealthChecksBuilder AddRecordsCheck(this IHealthChecksBuilder health, string[] tags) =>
        health.Add(new HealthCheckRegistration("records", sp => new Bounded(new RecordsCheck(sp), RecordsTimeout),
            HealthStatus.Unhealthy, tags, RecordsTimeout));

    public static IHealthChecksBuilder AddRedisCheck(this IHealthChecksBuilder health, string[] tags) =>
        health.Add(new HealthCheckRegistration("redis", sp => new Bounded(new RedisCheck(sp.GetRequiredService<RedisConnection>()), RedisTimeout),
            HealthStatus.Unhealthy, tags, RedisTimeout));

    /// <summary>The records database accepts a connection.</summary>
    private sealed class RecordsCheck(IServiceProvider services) : IHealthCheck
    {
        public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken ct)
        {
            await using var scope = services.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<RecordsDbContext>();
            return await db.Database.CanConnectAsync(ct) ? HealthCheckResult.Healthy() : HealthCheckResult.Unhealthy();
        }
    }

    /// <summary>
    /// Redis answers a PING. While the multiplexer has no connection the answer is "no" at once: a PING would wait in
    /// StackExchange.Redis's backlog for the reconnect, up to its own 5 s time-out.
    /// </summary>
    private sealed class RedisCheck(RedisConnection redis) : IHealthCheck
    {
        public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken ct)
        {
            if (!redis.IsConnected) return HealthCheckResult.Unhealthy();
            await redis.Db.PingAsync();
            return HealthCheckResult.Healthy();
        }
    }

    /// <summary>
    /// Unhealthy when the inner check has not answered in time, whether or not it honours its cancellation token (an
    /// exception is Unhealthy too: the health check service turns it into the registration's failure status).
    /// </summary>
    private sealed class Bounded(IHealthCheck inner, TimeSpan timeout) : IHealthCheck
    {
        public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken ct)
        {
            try
            {
                return await inner.CheckHealthAsync(context, ct).WaitAsync(timeout, ct);
            }
            catch (TimeoutException)
            {
                return HealthCheckResult.Unhealthy();
            }
        }
    }
}
