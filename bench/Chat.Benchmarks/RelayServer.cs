using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Chat.Benchmarks;

/// <summary>
/// Baseline (a): a bare SignalR relay, the framework's ceiling. Same transport, same JSON protocol, same client;
/// no queue, no log, no validation: a message goes to the others in the room and is acknowledged with a counter.
/// With <c>Relay:Redis</c> set (reference row (a2)) it runs on the official SignalR Redis backplane: every group
/// send crosses Redis pub/sub, as in a scaled-out deployment of the framework (still nothing stored).
/// </summary>
public static class RelayServer
{
    public static void Run(string[] args)
    {
        var builder = WebApplication.CreateBuilder(args);
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.Logging.AddFilter("Microsoft.Hosting.Lifetime", LogLevel.Information);
        var signalR = builder.Services.AddSignalR();
        if (builder.Configuration["Relay:Redis"] is { Length: > 0 } redis) signalR.AddStackExchangeRedis(redis);
        var app = builder.Build();
        app.UseWebSockets();
        app.MapHub<RelayHub>("/hubs/relay");
        // The one runtime figure the benchmark reads from Chat.Server's /metrics, under the same name.
        app.MapGet("/metrics", () => "dotnet_gc_pause_time_seconds_total " + GC.GetTotalPauseDuration().TotalSeconds.ToString("R", System.Globalization.CultureInfo.InvariantCulture) + "\n");
        app.Run();
    }

    public sealed class RelayHub : Hub
    {
        private static long _seq;

        public Task Join(string room) => Groups.AddToGroupAsync(Context.ConnectionId, room);

        public async Task<object> Send(string room, string clientMessageId, string text)
        {
            var seq = Interlocked.Increment(ref _seq);
            var sentAt = DateTimeOffset.UtcNow;
            await Clients.OthersInGroup(room).SendAsync("MessageReceived",
                new { conversationId = room, seq, clientMessageId, from = "visitor", text, sentAt });
            return new { seq, sentAt };
        }
    }
}
