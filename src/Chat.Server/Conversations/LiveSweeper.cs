using Microsoft.Extensions.Options;

namespace Chat.Server.Conversations;

/// <summary>Runs the router's timeouts every <see cref="ChatOptions.SweepInterval"/>.</summary>
public sealed class LiveSweeper(ChatRouter router, TimeProvider time, IOptions<ChatOptions> options, ILogger<LiveSweeper> logger)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.SweepInterval, time);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                await router.SweepAsync();
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                logger.LogError(ex, "Sweep failed; retrying at the next tick");
            }
        }
    }
}
