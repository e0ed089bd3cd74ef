using System.Collections.Concurrent;
using System.Net.Http.Json;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using Chat.Tests.Infrastructure;

namespace Chat.Tests.Privacy;

/// <summary>
/// A visitor never learns an account's user name (the login name): only the shown name. Every frame the visitor's
/// socket receives (events and answers) in a whole chat, a transfer included, and every public API answer, is scanned.
/// </summary>
public sealed class VisitorSeesNoUserNameTests
{
    [Fact]
    public async Task NoHubEventOrAnswerToAVisitorCarriesAUserName()
    {
        await using var app = new ChatApp();
        await using var sanne = await app.ExpertAsync(1); // user name expert1, shown name Sanne
        var expertHttp = await app.ExpertClientAsync(1);
        var referral = (await expertHttp.GetFromJsonAsync<JsonElement>("/api/referrals"))[0].GetProperty("id").GetInt64();

        await using var visitor = await RawVisitor.ConnectAsync(app);
        var start = await visitor.InvokeAsync("StartChat", new { about = "victim", language = "nl" });
        var token = start.GetProperty("resumeToken").GetString()!;
        var conversationId = (await sanne.Inbox.Next("ChatAssigned")).GetProperty("conversationId").GetString()!;
        await visitor.WaitAsync(r => r.Target == "ChatStarted");
        await sanne.Hub.InvokeAsync("Typing", conversationId, true);
        await sanne.SendAsync(conversationId, "e1", "Hoi, ik ben er.");
        await sanne.Hub.InvokeAsync<JsonElement>("SendReferral", conversationId, "e2", referral);
        await visitor.InvokeAsync("SendMessage", "v1", "Hallo");
        await visitor.InvokeAsync("Typing", true);
        await visitor.WaitAsync(r => r.Target == "MessageReceived" && r.Json.Contains("\"e2\""));
        await visitor.InvokeAsync("Resume", token, 0);

        // Passed on to a colleague (user name expert2, shown name Ruben), who ends the chat.
        await using var ruben = await app.ExpertAsync(2);
        await sanne.Hub.InvokeAsync("TransferChat", conversationId);
        var moved = (await ruben.Inbox.Next("ChatAssigned")).GetProperty("conversationId").GetString()!;
        await visitor.WaitAsync(r => r.Target == "ChatStarted" && r.Json.Contains("Ruben"));
        await ruben.SendAsync(moved, "e3", "Ik neem het over.");
        await visitor.WaitAsync(r => r.Target == "MessageReceived" && r.Json.Contains("\"e3\""));
        await ruben.Hub.InvokeAsync("EndChat", moved);
        await visitor.WaitAsync(r => r.Target == "ChatEnded");
        await visitor.InvokeAsync("GiveFeedback", new { score = 8, helped = "yes" });
        await visitor.InvokeAsync("Resume", token, 0);

        var anonymous = app.CreateClient();
        var publicAnswers = await anonymous.GetStringAsync("/api/status") + await anonymous.GetStringAsync("/api/widget/config");
        var seen = visitor.Everything + publicAnswers;

        Assert.Contains("Sanne", seen); // the scan reads what the visitor got
        Assert.Contains("Ruben", seen);
        foreach (var userName in new[] { "expert1", "expert2", "coordinator" })
            Assert.DoesNotContain(userName, seen, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task TheFirstCoordinatorIsShownAsCoordinatorNotByTheLoginName()
    {
        await using var app = new ChatApp(new()
        {
            ["Accounts:InitialCoordinator:UserName"] = "beheer.jansen", ["Accounts:InitialCoordinator:Password"] = "Sterk-Wachtwoord-2026",
        });
        var cookie = await app.CookieAsync("beheer.jansen", "Sterk-Wachtwoord-2026");
        await using var hub = app.Hub("/hubs/expert", cookie);
        await hub.StartAsync();
        await hub.InvokeAsync<JsonElement>("SetAvailability", "available");

        await using var visitor = await RawVisitor.ConnectAsync(app);
        var token = (await visitor.InvokeAsync("StartChat", new { })).GetProperty("resumeToken").GetString()!;
        var started = await visitor.WaitAsync(r => r.Target == "ChatStarted");
        await visitor.InvokeAsync("Resume", token, 0);
        Assert.Equal("Coördinator", JsonDocument.Parse(started.Json).RootElement.GetProperty("arguments")[0]
            .GetProperty("expert").GetProperty("displayName").GetString());
        Assert.DoesNotContain("jansen", visitor.Everything, StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>The visitor's hub connection as raw SignalR JSON frames over a WebSocket, every record kept.</summary>
    private sealed class RawVisitor : IAsyncDisposable
    {
        private readonly WebSocket _ws;
        private readonly ConcurrentQueue<Record> _records = new();
        private readonly List<(Func<Record, bool> Match, TaskCompletionSource<Record> Seen)> _waiting = [];
        private readonly Task _reading;
        private int _invocation;

        public sealed record Record(int Type, string? Target, string? InvocationId, string Json);

        private RawVisitor(WebSocket ws)
        {
            _ws = ws;
            _reading = Task.Run(ReadAsync);
        }

        /// <summary>Everything the server sent to this visitor so far.</summary>
        public string Everything => string.Join("\n", _records.Select(r => r.Json));

        public static async Task<RawVisitor> ConnectAsync(ChatApp app)
        {
            var ws = await app.Server.CreateWebSocketClient().ConnectAsync(new Uri(app.Server.BaseAddress, "hubs/visitor").ToWs(), default);
            var visitor = new RawVisitor(ws);
            await visitor.SendAsync("{\"protocol\":\"json\",\"version\":1}");
            await visitor.WaitAsync(r => r.Type == 0); // the handshake's answer
            return visitor;
        }

        public async Task<JsonElement> InvokeAsync(string target, params object[] arguments)
        {
            var id = Interlocked.Increment(ref _invocation).ToString();
            await SendAsync(JsonSerializer.Serialize(new { type = 1, invocationId = id, target, arguments }));
            var done = JsonDocument.Parse((await WaitAsync(r => r.Type == 3 && r.InvocationId == id)).Json).RootElement;
            Assert.False(done.TryGetProperty("error", out var error), $"{target}: {error}");
            return done.TryGetProperty("result", out var result) ? result : default;
        }

        public Task<Record> WaitAsync(Func<Record, bool> match)
        {
            var seen = new TaskCompletionSource<Record>(TaskCreationOptions.RunContinuationsAsynchronously);
            lock (_waiting)
            {
                if (_records.FirstOrDefault(match) is { } already) return Task.FromResult(already);
                _waiting.Add((match, seen));
            }
            return seen.Task.WaitAsync(Inbox.Timeout);
        }

        private Task SendAsync(string json) => _ws.SendAsync(Encoding.UTF8.GetBytes(json + "\u001e"), WebSocketMessageType.Text, true, default);

        private async Task ReadAsync()
        {
            var buffer = new byte[64 * 1024];
            var text = new StringBuilder();
            while (_ws.State == WebSocketState.Open)
            {
                WebSocketReceiveResult r;
                try { r = await _ws.ReceiveAsync(buffer, default); }
                catch (Exception e) when (e is WebSocketException or OperationCanceledException or ObjectDisposedException) { return; }
                if (r.MessageType == WebSocketMessageType.Close) return;
                text.Append(Encoding.UTF8.GetString(buffer, 0, r.Count));
                if (!r.EndOfMessage) continue;
                var all = text.ToString();
                var end = all.LastIndexOf('\u001e');
                foreach (var json in all[..(end + 1)].Split('\u001e', StringSplitOptions.RemoveEmptyEntries)) Received(json);
                text.Clear().Append(all[(end + 1)..]);
            }
        }

        private void Received(string json)
        {
            var root = JsonDocument.Parse(json).RootElement;
            var record = new Record(root.TryGetProperty("type", out var t) ? t.GetInt32() : 0,
                root.TryGetProperty("target", out var target) ? target.GetString() : null,
                root.TryGetProperty("invocationId", out var id) ? id.GetString() : null, json);
            lock (_waiting)
            {
                _records.Enqueue(record);
                foreach (var w in _waiting.Where(w => w.Match(record)).ToList())
                {
                    w.Seen.TrySetResult(record);
                    _waiting.Remove(w);
                }
            }
        }

        public async ValueTask DisposeAsync()
        {
            try { await _ws.CloseAsync(WebSocketCloseStatus.NormalClosure, null, default); } catch (Exception e) when (e is WebSocketException or InvalidOperationException) { /* gone */ }
            await _reading.WaitAsync(TimeSpan.FromSeconds(5)).ContinueWith(_ => { });
            _ws.Dispose();
        }
    }
}
