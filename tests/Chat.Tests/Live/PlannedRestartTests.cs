using System.Text.Json;
using Chat.Server.Conversations;
using Chat.Tests.Infrastructure;

namespace Chat.Tests.Live;

/// <summary>
/// The embedded default across a planned restart (kill -TERM, as an upgrade does), with real processes: the process
/// stops within 30 s, and the queue, the running chat with its messages and a dead resume token all come back as they
/// were; the kept state is encrypted and gone once read.
/// </summary>
public sealed class PlannedRestartTests(Xunit.Abstractions.ITestOutputHelper output) : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "chat-tests", Guid.NewGuid().ToString("n"));

    private Dictionary<string, string> Env() => ServerProcess.OwnData(_dir);

    public void Dispose()
    {
        try { Directory.Delete(_dir, recursive: true); } catch (IOException) { /* best effort */ }
    }

    [Fact]
    public async Task QueuedVisitorsKeepTheirPlaceAndARunningChatGoesOnAfterARestart()
    {
        Directory.CreateDirectory(_dir);
        var state = Path.Combine(_dir, "live-state.bin");
        string token1, token2, token3, conversationId;
        TimeSpan stopped;
        await using (var first = await ServerProcess.StartAsync(Env()))
        {
            var expert = await first.ExpertAsync(1);
            var expertHub = expert.Hub;

            var v1 = new Visitor(first.Hub("/hubs/visitor"));
            await v1.Hub.StartAsync();
            token1 = (await v1.StartAsync()).ResumeToken!;
            conversationId = (await expert.Inbox.Next("ChatAssigned")).GetProperty("conversationId").GetString()!;
            await v1.SendAsync("v1", "Hallo, is daar iemand?");
            await expert.SendAsync(conversationId, "e1", "Ja, ik ben er. Neem je tijd.");
            await v1.Inbox.Until("MessageReceived", m => m.GetProperty("clientMessageId").GetString() == "e1");

            var v2 = new Visitor(first.Hub("/hubs/visitor"));
            await v2.Hub.StartAsync();
            var queued = await v2.StartAsync();
            Assert.Equal("queued", queued.Status);
            token2 = queued.ResumeToken!;

            var v3 = new Visitor(first.Hub("/hubs/visitor"));
            await v3.Hub.StartAsync();
            token3 = (await v3.StartAsync()).ResumeToken!;
            await v3.Hub.InvokeAsync("LeaveChat"); // fled: nothing may come back for this token

            stopped = await first.StopAsync(TimeSpan.FromSeconds(40));
            Assert.True(stopped < TimeSpan.FromSeconds(30), $"stopped after {stopped.TotalSeconds:0.0} s\n{string.Join("\n", first.Output)}");
        }
        Assert.True(File.Exists(state), "the live state was kept for the restart");
        var kept = await File.ReadAllBytesAsync(state);
        Assert.DoesNotContain("Hallo", System.Text.Encoding.UTF8.GetString(kept));
        Assert.DoesNotContain(token1, System.Text.Encoding.UTF8.GetString(kept));

        await using var second = await ServerProcess.StartAsync(Env());
        Assert.False(File.Exists(state), "read back and deleted at start");

        // The visitor's widget reconnects by itself and resumes: the chat is active with both messages.
        var again = new Visitor(second.Hub("/hubs/visitor"));
        await again.Hub.StartAsync();
        var resumed = await again.Hub.InvokeAsync<JsonElement>("Resume", token1, 0);
        Assert.Equal("active", resumed.GetProperty("status").GetString());
        Assert.Equal(["Hallo, is daar iemand?", "Ja, ik ben er. Neem je tijd."],
            resumed.GetProperty("messages").EnumerateArray().Select(m => m.GetProperty("text").GetString()!).ToArray());
        // A resend of an acknowledged message is still recognised (same seq, nothing new).
        Assert.Equal(1, (await again.SendAsync("v1", "Hallo, is daar iemand?")).Seq);

        var waiting = await (await ConnectAsync(second)).Hub.InvokeAsync<JsonElement>("Resume", token2, 0);
        Assert.Equal("queued", waiting.GetProperty("status").GetString());
        Assert.Equal(1, waiting.GetProperty("position").GetInt32());
        var fled = await (await ConnectAsync(second)).Hub.InvokeAsync<JsonElement>("Resume", token3, 0);
        Assert.Equal("ended", fled.GetProperty("status").GetString());
        Assert.Empty(fled.GetProperty("messages").EnumerateArray());

        // The console reconnects (the sign-in cookie survives: the keys are kept) and finds its chat.
        var expert2 = await second.ExpertAsync(1, "offline");
        var expertHub2 = expert2.Hub;
        var stateOfExpert = await expertHub2.InvokeAsync<JsonElement>("GetState");
        Assert.Equal("available", stateOfExpert.GetProperty("availability").GetString());
        var chat = Assert.Single(stateOfExpert.GetProperty("conversations").EnumerateArray());
        Assert.Equal(conversationId, chat.GetProperty("conversationId").GetString());
        Assert.Equal(2, chat.GetProperty("messages").GetArrayLength());
        await expert2.SendAsync(conversationId, "e2", "Fijn dat je er weer bent.");
        await again.Inbox.Until("MessageReceived", m => m.GetProperty("clientMessageId").GetString() == "e2");
        output.WriteLine($"The first process stopped {stopped.TotalSeconds:0.0} s after kill -TERM.");
    }

    [Fact]
    public async Task ABlockOutlivesTheRestart()
    {
        Directory.CreateDirectory(_dir);
        await using (var first = await ServerProcess.StartAsync(Env()))
        {
            var expert = await first.ExpertAsync(1);
            var expertHub = expert.Hub;
            var prank = await ConnectAsync(first);
            await prank.StartAsync();
            var conversationId = (await expert.Inbox.Next("ChatAssigned")).GetProperty("conversationId").GetString()!;
            await expertHub.InvokeAsync<JsonElement>("BlockVisitor", conversationId, "prank");
            await first.StopAsync(TimeSpan.FromSeconds(40));
        }
        await using var second = await ServerProcess.StartAsync(Env());
        await using var expert2 = await second.ExpertAsync(1);
        var again = await (await ConnectAsync(second)).StartAsync();
        Assert.Equal(("refused", "blocked"), (again.Status, again.Reason));
    }

    [Fact]
    public async Task AnAddressKeepsItsStartsPerHourAcrossTheRestart()
    {
        Directory.CreateDirectory(_dir);
        // The ended chats' logs are deleted a second after the end, long before the hour of the limit is over.
        var env = new Dictionary<string, string>(Env())
        {
            ["Abuse__ChatsPerAddressPerHour"] = "2", ["Chat__GracePeriod"] = "00:00:01", ["Chat__SweepInterval"] = "00:00:00.200",
            ["Logging__LogLevel__Chat.Server.Conversations.LiveSweeper"] = "Information", // its "Deleted the message logs" line
        };
        await using (var first = await ServerProcess.StartAsync(env))
        {
            await using var expert = await first.ExpertAsync(1);
            for (var i = 0; i < 2; i++)
            {
                var v = await ConnectAsync(first);
                Assert.NotEqual("refused", (await v.StartAsync()).Status);
                await v.Hub.InvokeAsync("LeaveChat");
                await v.Hub.DisposeAsync();
            }
            // Nothing is live any more: the expert goes off shift and the two chats have ended and are deleted.
            await expert.Hub.InvokeAsync<JsonElement>("SetAvailability", "offline");
            var deleted = 0;
            await first.WaitForLineAsync(l => (deleted += DeletedLogs(l)) >= 2, TimeSpan.FromSeconds(30));
            await first.StopAsync(TimeSpan.FromSeconds(40));
        }
        // The kept file is refused once older than the grace period: the next start (seconds later) has the usual one.
        await using var second = await ServerProcess.StartAsync(new Dictionary<string, string>(env) { ["Chat__GracePeriod"] = "00:15:00" });
        await using var expert2 = await second.ExpertAsync(1);
        var third = await (await ConnectAsync(second)).StartAsync();
        Assert.Equal(("refused", "limit"), (third.Status, third.Reason));
    }

    private static int DeletedLogs(string line) =>
        System.Text.RegularExpressions.Regex.Match(line, @"Deleted the message logs of (\d+) ended chats") is { Success: true } m
            ? int.Parse(m.Groups[1].Value) : 0;

    private static async Task<Visitor> ConnectAsync(ServerProcess server)
    {
        var v = new Visitor(server.Hub("/hubs/visitor"));
        await v.Hub.StartAsync();
        return v;
    }
}

/// <summary>Redis mode: a node stopped with kill -TERM lets go of its clients within 30 s; they move to another node and lose nothing.</summary>
[Collection(RedisCollection.Name)]
public sealed class PlannedNodeStopTests(RedisServer redis)
{
    [Fact]
    public async Task AStoppingNodesVisitorMovesToAnotherNodeAndTheChatGoesOn()
    {
        using var nodes = new NodeEnvironment(redis);
        await using var nodeA = await ServerProcess.StartAsync(nodes.Env);
        await using var nodeB = await ServerProcess.StartAsync(nodes.Env);

        await using var expert = await nodeB.ExpertAsync(1);

        var visitor = new Visitor(nodeA.Hub("/hubs/visitor"));
        var closed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        visitor.Hub.Closed += _ => { closed.TrySetResult(); return Task.CompletedTask; };
        await visitor.Hub.StartAsync();
        var token = (await visitor.StartAsync()).ResumeToken!;
        var conversationId = (await expert.Inbox.Next("ChatAssigned")).GetProperty("conversationId").GetString()!;
        await visitor.SendAsync("v1", "Ben je er nog?");

        var stopped = await nodeA.StopAsync(TimeSpan.FromSeconds(40));
        Assert.True(stopped < TimeSpan.FromSeconds(30), $"stopped after {stopped.TotalSeconds:0.0} s");
        await closed.Task.WaitAsync(Inbox.Timeout); // the node let go of its client, which moves on

        var moved = new Visitor(nodeB.Hub("/hubs/visitor"));
        await moved.Hub.StartAsync();
        var resumed = await moved.Hub.InvokeAsync<JsonElement>("Resume", token, 0);
        Assert.Equal("active", resumed.GetProperty("status").GetString());
        Assert.Equal("Ben je er nog?", Assert.Single(resumed.GetProperty("messages").EnumerateArray()).GetProperty("text").GetString());
        await expert.SendAsync(conversationId, "e1", "Ja, ik ben er.");
        await moved.Inbox.Until("MessageReceived", m => m.GetProperty("clientMessageId").GetString() == "e1");
        await moved.SendAsync("v2", "Gelukkig.");
        await expert.Inbox.Until("MessageReceived", m => m.GetProperty("clientMessageId").GetString() == "v2");
    }
}
