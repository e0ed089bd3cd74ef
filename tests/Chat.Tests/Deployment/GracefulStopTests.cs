using System.Net.WebSockets;
using System.Text;
using Chat.Tests.Infrastructure;

namespace Chat.Tests.Deployment;

/// <summary>
/// A planned stop (SIGTERM: docker stop, systemd, an upgrade) closes every hub WebSocket with a close frame, so the
/// browser sees a normal close (1000) and reconnects at once, and the load balancer in front logs no dropped upstream;
/// a connection that is simply cut shows as 1006 in the browser.
/// </summary>
[Collection(RedisCollection.Name)]
public sealed class GracefulStopTests(RedisServer redis)
{
    [Fact]
    public async Task APlannedStopClosesEveryHubWebSocketWithACloseFrame()
    {
        using var nodes = new NodeEnvironment(redis);
        await using var node = await ServerProcess.StartAsync(nodes.Env);
        using var visitor = await HandshakeAsync(new Uri(node.BaseUrl.Replace("http", "ws") + "/hubs/visitor"));

        var stopping = node.StopAsync(TimeSpan.FromSeconds(40));
        var (status, messages) = await ReadUntilCloseAsync(visitor);
        Assert.Equal(WebSocketCloseStatus.NormalClosure, status);
        // SignalR's close message first, reconnect allowed: the browser client reconnects by itself at once.
        Assert.Contains(messages, m => m.Contains("\"type\":7") && m.Contains("\"allowReconnect\":true"));
        Assert.True(await stopping < TimeSpan.FromSeconds(30));
    }

    /// <summary>A WebSocket on which the SignalR JSON handshake is done, as the browser clients open it.</summary>
    public static async Task<ClientWebSocket> HandshakeAsync(Uri uri, HttpMessageInvoker? invoker = null)
    {
        var ws = new ClientWebSocket();
        await ws.ConnectAsync(uri, invoker, CancellationToken.None);
        await ws.SendAsync(Encoding.UTF8.GetBytes("{\"protocol\":\"json\",\"version\":1}\u001e"), WebSocketMessageType.Text, true, CancellationToken.None);
        var buffer = new byte[4096];
        var answer = await ws.ReceiveAsync(buffer, CancellationToken.None);
        Assert.Equal("{}\u001e", Encoding.UTF8.GetString(buffer, 0, answer.Count));
        return ws;
    }

    /// <summary>
    /// Reads (pings, a SignalR close message) until the server's close frame: its status and the text frames before it.
    /// A connection cut without one throws (ConnectionClosedPrematurely: what the browser reports as 1006).
    /// </summary>
    public static async Task<(WebSocketCloseStatus? Status, List<string> Messages)> ReadUntilCloseAsync(ClientWebSocket ws)
    {
        var buffer = new byte[65536];
        var messages = new List<string>();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (true)
        {
            var r = await ws.ReceiveAsync(buffer, timeout.Token);
            if (r.MessageType == WebSocketMessageType.Close) return (r.CloseStatus, messages);
            messages.Add(Encoding.UTF8.GetString(buffer, 0, r.Count));
        }
    }
}
