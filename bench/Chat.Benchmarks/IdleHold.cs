using Chat.Tests.Infrastructure;
using Microsoft.AspNetCore.SignalR.Client;

namespace Chat.Benchmarks;

/// <summary>
/// Opens N idle visitor connections to a running server and holds them until killed: for looking at what idle
/// connections cost inside the server (e.g. <c>dotnet-gcdump collect -p PID</c>, <c>dotnet-counters</c>).
/// <c>dotnet run -c Release --project bench/Chat.Benchmarks -- hold --url http://127.0.0.1:5080 [--n 2000] [--path /hubs/visitor]</c>
/// </summary>
public static class IdleHold
{
    public static async Task RunAsync(string[] args)
    {
        var url = Text(args, "--url") ?? "http://127.0.0.1:5080";
        var n = int.TryParse(Text(args, "--n"), out var v) ? v : 2000;
        var path = Text(args, "--path") ?? "/hubs/visitor";
        var connections = new List<HubConnection>();
        for (var batch = 0; batch < n; batch += 250)
        {
            var opened = await Task.WhenAll(Enumerable.Range(0, Math.Min(250, n - batch)).Select(async _ =>
            {
                var c = HubClient.Hub(url, path, _ => { });
                await c.StartAsync();
                return c;
            }));
            connections.AddRange(opened);
        }
        Console.WriteLine($"holding {connections.Count} idle connections to {url}{path}; stop with Ctrl+C");
        await Task.Delay(Timeout.Infinite);
    }

    private static string? Text(string[] args, string name) => args.SkipWhile(a => a != name).Skip(1).FirstOrDefault();
}
