using Chat.Server.Live;
using Chat.Server.Scaleout;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR;

namespace Chat.Server.Conversations;

public static class ConversationsExtensions
{
    /// <summary>
    /// Live chat: hubs, router, live store, connection tracking and event fan-out. The rule: with
    /// <c>ConnectionStrings:Redis</c> set, live state and delivery go through Redis (any number of nodes);
    /// otherwise everything is in process (one node, the embedded default).
    /// </summary>
    public static IServiceCollection AddConversations(this IServiceCollection services, IConfiguration config)
    {
        services.AddOptions<ChatOptions>().BindConfiguration(ChatOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<Triage.TriageOptions>().BindConfiguration(Triage.TriageOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddSignalR(o =>
        {
            o.MaximumReceiveMessageSize = 64 * 1024;
            // Up to 8 calls of one connection at once, kept in order by InvocationOrder (ChatHubFilter): a visitor's
            // next message need not wait for the previous one's round trip to Redis.
            o.MaximumParallelInvocationsPerClient = 8;
            o.EnableDetailedErrors = false;
            o.AddFilter<ChatHubFilter>();
        });
        services.AddSingleton<ChatHubFilter>();
        services.AddScoped<InvocationTurn>();
        services.AddExceptionHandler<TransientExceptionHandler>();
        if (!string.IsNullOrWhiteSpace(config.GetConnectionString("Redis")))
            services.AddRedisScaleout(config.GetConnectionString("Redis")!);
        else
        {
            services.AddSingleton<InMemoryLiveStore>();
            services.AddSingleton<ILiveStore>(sp => sp.GetRequiredService<InMemoryLiveStore>());
            services.AddSingleton<ConnectionTracker>();
            services.AddSingleton<IConnectionTracker>(sp => sp.GetRequiredService<ConnectionTracker>());
            services.AddSingleton<LiveStateFile>();
            services.AddSingleton<IEventFanout, LocalFanout>();
        }
        services.AddSingleton<LocalFanout>();
        services.AddSingleton<ChatNotifier>();
        services.AddSingleton<QueueView>();
        services.AddSingleton<ChatRouter>();
        services.AddSingleton<Overflow>();                 // partner projects offered to a waiting visitor, with their yes
        services.AddSingleton<ChatLifecycle>();
        services.AddSingleton<ChatMessaging>();
        services.AddSingleton<Presence>();
        services.AddSingleton<LiveSweeper>();
        services.AddHostedService(sp => sp.GetRequiredService<LiveSweeper>());
        return services;
    }

    public static IEndpointRouteBuilder MapConversations(this IEndpointRouteBuilder app)
    {
        // WebSockets only (as the clients use them): a connection is one request for its whole life, so the per-address
        // connection limit (Abuse/HubGate) holds exactly; long polling would let one address hold many more.
        app.MapHub<VisitorHub>(VisitorHub.Path, o => o.Transports = HttpTransportType.WebSockets);
        app.MapHub<ExpertHub>("/hubs/expert", o => o.Transports = HttpTransportType.WebSockets);
        app.MapVisitorApi();
        return app;
    }
}
