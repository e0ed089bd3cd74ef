using Chat.Server.ContactForms;
using Chat.Server.Live;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR;

namespace Chat.Server.Conversations;

public static class ConversationsExtensions
{
    /// <summary>Live chat: hubs, router, and the live store (in process in the embedded default).</summary>
    public static IServiceCollection AddConversations(this IServiceCollection services)
    {
        services.AddOptions<ChatOptions>().BindConfiguration(ChatOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddSignalR(o =>
        {
            o.MaximumReceiveMessageSize = 64 * 1024;
            o.EnableDetailedErrors = false;
            o.AddFilter<ChatHubFilter>();
        });
        services.AddSingleton<ChatHubFilter>();
        services.AddSingleton<ILiveStore, InMemoryLiveStore>();
        services.AddSingleton<ConnectionTracker>();
        services.AddSingleton<ChatNotifier>();
        services.AddSingleton<ContactDrafts>();
        services.AddSingleton<Statistics.QueueCounters>();
        services.AddSingleton<Roster.ShiftLog>();
        services.AddSingleton<ChatRouter>();
        services.AddHostedService<LiveSweeper>();
        return services;
    }

    public static IEndpointRouteBuilder MapConversations(this IEndpointRouteBuilder app)
    {
        app.MapHub<VisitorHub>("/hubs/visitor", o => o.Transports = HttpTransportType.WebSockets | HttpTransportType.LongPolling);
        app.MapHub<ExpertHub>("/hubs/expert", o => o.Transports = HttpTransportType.WebSockets | HttpTransportType.LongPolling);
        return app;
    }
}
