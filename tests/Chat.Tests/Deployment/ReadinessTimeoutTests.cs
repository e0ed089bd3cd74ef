using System.Diagnostics;
using System.Net;
using Chat.Tests.Infrastructure;

namespace Chat.Tests.Deployment;

/// <summary>
/// /health/ready answers within 2 s whatever Redis does, well inside the 5 s the compose health check and a load
/// balancer give it: a real redis-server that hangs (SIGSTOP: connected, no answer) and one that is gone (killed).
/// </summary>
public sealed class ReadinessTimeoutTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(2);

    [Fact]
    public async Task ReadinessAnswersUnavailableWithinTwoSecondsWhenRedisHangsOrIsGone()
    {
        await using var redis = new RedisServer();
        await redis.InitializeAsync();
        try
        {
            await using var app = new ChatApp(new() { ["ConnectionStrings:Redis"] = redis.ConnectionString });
            var client = app.CreateClient();
            Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/health/ready")).StatusCode);

            // Hanging: the connection stays open, nothing answers.
            await SignalAsync("STOP", redis.ProcessId!.Value);
            try
            {
                for (var i = 0; i < 3; i++) await AssertUnavailableWithinBoundAsync(client);
            }
            finally
            {
                await SignalAsync("CONT", redis.ProcessId!.Value);
            }

            // Gone: the connection is refused while the client reconnects in the background.
            await redis.KillAsync();
            for (var i = 0; i < 3; i++) await AssertUnavailableWithinBoundAsync(client);
            Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/health/live")).StatusCode);
        }
        finally
        {
            await redis.DisposeAsync();
        }
    }

    private static async Task AssertUnavailableWithinBoundAsync(HttpClient client)
    {
        var watch = Stopwatch.StartNew();
        var r = await client.GetAsync("/health/ready");
        watch.Stop();
        Assert.Equal(HttpStatusCode.ServiceUnavailable, r.StatusCode);
        Assert.True(watch.Elapsed < Bound, $"/health/ready took {watch.Elapsed.TotalSeconds:0.00} s");
    }

    private static async Task SignalAsync(string signal, int pid)
    {
        using var kill = Process.Start(new ProcessStartInfo("kill", $"-{signal} {pid}") { UseShellExecute = false })!;
        await kill.WaitForExitAsync();
        Assert.Equal(0, kill.ExitCode);
    }
}
