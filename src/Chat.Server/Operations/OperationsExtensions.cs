using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;

namespace Chat.Server.Operations;

/// <summary>What an operator watches: health for the load balancer and the orchestrator, metrics for the dashboards.</summary>
public static class OperationsExtensions
{
    private const string Ready = "ready";

    /// <summary>
    /// Health checks (the records database; Redis in Redis mode) and the <c>Chat.Server</c> meter, exported as Prometheus
    /// text at /metrics and, when <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is set, over OTLP.
    /// </summary>
    public static IServiceCollection AddOperations(this IServiceCollection services, IConfiguration config)
    {
        // Each with its own time-out (ReadinessChecks): /health/ready answers within 2 s even when Redis or the database hangs.
        var health = services.AddHealthChecks().AddRecordsCheck([Ready]);
        if (!string.IsNullOrWhiteSpace(config.GetConnectionString("Redis"))) health.AddRedisCheck([Ready]);

        services.AddOptions<MetricsOptions>().BindConfiguration(MetricsOptions.Section)
            .Validate(o => o.AllowedNetworks.All(n => System.Net.IPNetwork.TryParse(n, out _)),
                "Metrics:AllowedNetworks: each entry is a network such as 10.0.0.0/8 or fd00::/8.")
            .ValidateOnStart();
        services.AddSingleton<ChatMetrics>();
        services.AddOpenTelemetry().WithMetrics(m =>
        {
            m.ConfigureResource(r => r.AddService("chat"));
            m.AddMeter(ChatMetrics.MeterName);
            // The runtime's own meter (built into .NET): GC pauses and heap, thread-pool queue, lock contention, JIT,
            // e.g. dotnet_gc_pause_time_seconds_total. Nothing in it is about a person.
            m.AddMeter("System.Runtime");
            m.AddPrometheusExporter();
            // The standard variable names the collector; without it nothing leaves the process.
            if (!string.IsNullOrWhiteSpace(config["OTEL_EXPORTER_OTLP_ENDPOINT"])) m.AddOtlpExporter();
        });
        // A planned stop closes the hub connections with a close frame (HubShutdown).
        services.AddSingleton<HubShutdown>();
        services.AddHostedService(sp => sp.GetRequiredService<HubShutdown>());
        services.Configure<Microsoft.AspNetCore.SignalR.HubOptions>(o => Microsoft.AspNetCore.SignalR.HubOptionsExtensions.AddFilter<HubShutdown>(o));
        // The gauges are created with the meter: make sure it exists before the first scrape or export.
        services.AddHostedService<MetricsStarter>();
        return services;
    }

    /// <summary>Counts the hub requests, so a planned stop can wait for their close handshakes (<see cref="HubShutdown"/>).</summary>
    public static IApplicationBuilder UseHubShutdown(this IApplicationBuilder app)
    {
        var shutdown = app.ApplicationServices.GetRequiredService<HubShutdown>();
        return app.Use((http, next) => shutdown.TrackAsync(http, next));
    }

    /// <summary><c>/metrics</c> answers only callers in <see cref="MetricsOptions.AllowedNetworks"/> (404 for anyone else).</summary>
    public static IApplicationBuilder UseMetricsGate(this IApplicationBuilder app)
    {
        var options = app.ApplicationServices.GetRequiredService<IOptionsMonitor<MetricsOptions>>();
        return app.Use((http, next) =>
        {
            if (http.Request.Path.StartsWithSegments("/metrics"))
            {
                // After the forwarded headers: behind a trusted proxy this is the client the proxy names, never the proxy.
                var from = http.Connection.RemoteIpAddress;
                if (from is { IsIPv4MappedToIPv6: true }) from = from.MapToIPv4();
                if (from is null || !options.CurrentValue.Networks().Any(n => n.Contains(from)))
                {
                    http.Response.StatusCode = StatusCodes.Status404NotFound;
                    return Task.CompletedTask;
                }
            }
            return next(http);
        });
    }

    /// <summary>
    /// <c>/health/live</c>: the process answers. <c>/health/ready</c>: it can serve (records database, and Redis in Redis
    /// mode). 200 or 503 with one word, never the checks' details. <c>/metrics</c>: Prometheus text.
    /// </summary>
    public static IEndpointRouteBuilder MapOperations(this IEndpointRouteBuilder app)
    {
        app.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = _ => false });
        app.MapHealthChecks("/health/ready", new HealthCheckOptions { Predicate = c => c.Tags.Contains(Ready) });
        app.MapPrometheusScrapingEndpoint("/metrics");
        return app;
    }

    private sealed class MetricsStarter(ChatMetrics metrics) : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken)
        {
            GC.KeepAlive(metrics);
            return Task.CompletedTask;
        }

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
