using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json;
using Chat.Tests.Infrastructure;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Data.Sqlite;

namespace Chat.Benchmarks;

/// <summary>
/// Triage under load, on real sockets, in the embedded mode and in Redis mode: 40 visitors wait, two experts each have one
/// chat. Each round a visitor in danger arrives last; one expert ends a chat; the time from that EndChat until the
/// expert is told of the next chat (ChatAssigned) is the "next free place" handover. The baseline in the same run: the other expert
/// ends a chat and the first normal visitor is assigned. Printed: how often the visitor in danger was the one assigned,
/// and both handovers (median, 90th percentile, their ratio).
/// </summary>
public static class TriageBenchmark
{
    public static async Task RunAsync(string[] args)
    {
        var rounds = Arg(args, "--rounds", 20);
        var waiting = Arg(args, "--waiting", 40);
        Console.WriteLine($"triage: {waiting} visitors waiting, 2 experts with one chat each; {rounds} rounds of a visitor in danger arriving last");
        var dir = Path.Combine(Path.GetTempPath(), "chat-bench-triage-" + Guid.NewGuid().ToString("n"));
        Directory.CreateDirectory(dir);
        var redis = await LiveBenchmark.StartRedisAsync(dir, "always");
        try
        {
            foreach (var (name, port) in new[] { ("embedded", (int?)null), ("redis", redis.Port) })
            {
                await using var server = await StartChatAsync(dir, name, port);
                await MeasureAsync(name, server, rounds, waiting);
            }
        }
        finally
        {
            redis.Process.Kill(true);
            try { Directory.Delete(dir, true); } catch (IOException) { /* best effort */ }
        }
    }

    private sealed class Console2(HubConnection hub)
    {
        public HubConnection Hub { get; } = hub;
        public ConcurrentQueue<JsonElement> Assigned { get; } = new();
        public SemaphoreSlim Signal { get; } = new(0);
        public string? Current { get; set; }
    }

    private static async Task MeasureAsync(string name, ServerProcess server, int rounds, int waiting)
    {
        var visitors = new List<HubConnection>();
        async Task<HubConnection> VisitorAsync(object request, TaskCompletionSource? started = null)
        {
            var v = server.Hub("/hubs/visitor");
            if (started is not null) v.On<JsonElement>("ChatStarted", _ => started.TrySetResult());
            await v.StartAsync();
            var r = await v.InvokeAsync<JsonElement>("StartChat", request);
            if (r.GetProperty("status").GetString() is not ("queued" or "active")) throw new InvalidOperationException("StartChat: " + r);
            visitors.Add(v);
            return v;
        }
        async Task<Console2> ExpertAsync(int n)
        {
            var c = new Console2(server.Hub("/hubs/expert", await server.CookieAsync($"expert{n}", $"Demo-Expert-{n}")));
            c.Hub.On<JsonElement>("ChatAssigned", e => { c.Assigned.Enqueue(e); c.Signal.Release(); });
            await c.Hub.StartAsync();
            await c.Hub.InvokeAsync<JsonElement>("SetAvailability", "available");
            return c;
        }
        async Task<JsonElement> NextAsync(Console2 c)
        {
            if (!await c.Signal.WaitAsync(TimeSpan.FromSeconds(30))) throw new TimeoutException("no ChatAssigned");
            c.Assigned.TryDequeue(out var e);
            c.Current = e.GetProperty("conversationId").GetString();
            return e;
        }

        var a = await ExpertAsync(1);
        var b = await ExpertAsync(2);
        await VisitorAsync(new { about = "victim" });
        await VisitorAsync(new { about = "victim" });
        await Task.WhenAll(NextAsync(a), NextAsync(b));
        for (var i = 0; i < waiting; i++) await VisitorAsync(new { about = "victim" });

        var danger = new List<double>();
        var normal = new List<double>();
        var dangerFirst = 0;
        for (var round = 0; round < rounds; round++)
        {
            // A visitor in danger arrives behind the full queue; expert A's chat ends.
            var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            await VisitorAsync(new { inDanger = true }, started);
            var t0 = Stopwatch.GetTimestamp();
            await a.Hub.InvokeAsync("EndChat", a.Current);
            var next = await NextAsync(a);
            danger.Add(Stopwatch.GetElapsedTime(t0).TotalMilliseconds); // as the baseline: until the expert is told
            await started.Task.WaitAsync(TimeSpan.FromSeconds(30));
            if (next.GetProperty("visitor").TryGetProperty("urgent", out var u) && u.ValueKind == JsonValueKind.Object
                && u.GetProperty("reason").GetString() == "answer") dangerFirst++;
            // A ends the chat with the visitor in danger (the address may have one urgent chat at a time) and takes the
            // next normal visitor; one more arrives, so the queue stays as long.
            await a.Hub.InvokeAsync("EndChat", a.Current);
            await NextAsync(a);
            await VisitorAsync(new { about = "victim" });

            // The baseline: expert B's chat ends, the first normal visitor is assigned.
            var t1 = Stopwatch.GetTimestamp();
            await b.Hub.InvokeAsync("EndChat", b.Current);
            await NextAsync(b);
            normal.Add(Stopwatch.GetElapsedTime(t1).TotalMilliseconds);
            await VisitorAsync(new { about = "victim" });
        }

        double P(List<double> xs, double q) { var s = xs.Order().ToArray(); return s[(int)Math.Min(s.Length - 1, Math.Ceiling(q * s.Length) - 1)]; }
        Console.WriteLine($"{name,-9} visitor in danger assigned at the next free place: {dangerFirst} of {rounds}");
        Console.WriteLine($"{name,-9} handover to the visitor in danger  p50 {P(danger, 0.5),7:F1} ms  p90 {P(danger, 0.9),7:F1} ms");
        Console.WriteLine($"{name,-9} handover to a normal visitor       p50 {P(normal, 0.5),7:F1} ms  p90 {P(normal, 0.9),7:F1} ms");
        Console.WriteLine($"{name,-9} ratio danger / normal               p50 {P(danger, 0.5) / P(normal, 0.5),7:F2}      p90 {P(danger, 0.9) / P(normal, 0.9),7:F2}");
        foreach (var v in visitors) _ = v.DisposeAsync();
        await a.Hub.DisposeAsync();
        await b.Hub.DisposeAsync();
    }

    private static async Task<ServerProcess> StartChatAsync(string dir, string name, int? redisPort)
    {
        var db = Path.Combine(dir, name + ".db");
        var env = new Dictionary<string, string>
        {
            ["ConnectionStrings__Records"] = $"Data Source={db}",
            ["DataProtection__KeysPath"] = Path.Combine(dir, name + "-keys"),
            ["Chat__CallsPerSecond"] = "1000000",
            ["Chat__CallBurst"] = "1000000",
            ["Chat__CoolDown"] = "00:00:00",
            // Every visitor of the benchmark comes from 127.0.0.1.
            ["Abuse__MaxOpenChatsPerAddress"] = "100000",
            ["Abuse__ChatsPerAddressPerHour"] = "100000",
            ["Abuse__MaxQueue"] = "100000",
            ["Abuse__ConnectionsPerAddress"] = "100000",
        };
        if (redisPort is { } port)
        {
            env["ConnectionStrings__Redis"] = $"127.0.0.1:{port}";
            env["Redis__KeyPrefix"] = "triage:";
        }
        var server = await ServerProcess.StartAsync(env);
        await using var conn = new SqliteConnection($"Data Source={db}");
        await conn.OpenAsync();
        await using var cmd = conn.CreateCommand();
        cmd.CommandText = "UPDATE AspNetUsers SET MaxChats = 1 WHERE UserName IN ('expert1', 'expert2')";
        await cmd.ExecuteNonQueryAsync();
        return server;
    }

    private static int Arg(string[] args, string name, int fallback) =>
        int.TryParse(args.SkipWhile(a => a != name).Skip(1).FirstOrDefault(), out var v) ? v : fallback;
}
