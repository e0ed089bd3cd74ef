using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Chat.Tests.Infrastructure;

namespace Chat.Tests.Deployment;

/// <summary>
/// deploy/nginx.conf looks the nodes' names up at its resolver when requests come (so a node recreated with another
/// address is found), not once at start: nginx starts while the names do not resolve, and serves once they do. A small
/// DNS server in the test stands in for Docker's (127.0.0.11).
/// </summary>
[Collection(RedisCollection.Name)] // one server process at a time with the other process tests
public sealed class NodeNamesTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "chat-tests", Guid.NewGuid().ToString("n"));

    public void Dispose()
    {
        try { Directory.Delete(_dir, true); } catch (IOException) { /* best effort */ }
    }

    [Fact]
    public async Task NginxResolvesTheNodesNamesWhenRequestsComeNotAtStart()
    {
        using var dns = new TinyDns();
        await using var node = await ServerProcess.StartAsync(ServerProcess.OwnData(_dir));
        var port = ServerProcess.FreePort();
        var config = NginxServer.Adapt("nginx.conf", ("listen 8080;", $"listen 127.0.0.1:{port};"),
            ("resolver 127.0.0.11 ", $"resolver 127.0.0.1:{dns.Port} "), ("chat1:8080", $"chat1:{node.Port}"), ("chat2:8080", $"chat2:{node.Port}"));

        // Neither name resolves (an upstream{} block would refuse to start: "host not found in upstream"), and nginx
        // asks nothing at start.
        await using var nginx = await NginxServer.StartAsync(config, port);
        Assert.Empty(dns.Queries);

        // The nodes are up under their names: the first request has nginx look them up, and the node answers.
        dns.Records["chat1"] = IPAddress.Loopback;
        dns.Records["chat2"] = IPAddress.Loopback;
        using var http = new HttpClient { BaseAddress = new Uri(nginx.BaseUrl) };
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/api/status")).StatusCode);
        Assert.Contains(dns.Queries, q => q is "chat1" or "chat2");
    }

    /// <summary>Answers A queries from <see cref="Records"/> (TTL 1 s; nginx keeps them for its own valid=), no answer for any other name.</summary>
    private sealed class TinyDns : IDisposable
    {
        private readonly UdpClient _udp = new(new IPEndPoint(IPAddress.Loopback, 0));
        private readonly CancellationTokenSource _stop = new();

        public ConcurrentDictionary<string, IPAddress> Records { get; } = new(StringComparer.OrdinalIgnoreCase);
        public ConcurrentQueue<string> Queries { get; } = new();
        public int Port => ((IPEndPoint)_udp.Client.LocalEndPoint!).Port;

        public TinyDns() => _ = Task.Run(ServeAsync);

        private async Task ServeAsync()
        {
            while (!_stop.IsCancellationRequested)
            {
                UdpReceiveResult r;
                try { r = await _udp.ReceiveAsync(_stop.Token); }
                catch (Exception) { return; }
                var q = r.Buffer;
                var i = 12;
                var labels = new List<string>();
                while (q[i] != 0)
                {
                    labels.Add(Encoding.ASCII.GetString(q, i + 1, q[i]));
                    i += q[i] + 1;
                }
                i++;
                var type = (q[i] << 8) | q[i + 1];
                i += 4;
                var name = string.Join('.', labels);
                var answer = type == 1 && Records.TryGetValue(name, out var ip) ? ip : null;
                var response = new List<byte>(q[..2]) { 0x81, 0x80, 0, 1, 0, (byte)(answer is null ? 0 : 1), 0, 0, 0, 0 };
                response.AddRange(q[12..i]);
                if (answer is not null)
                {
                    response.AddRange([0xC0, 0x0C, 0, 1, 0, 1, 0, 0, 0, 1, 0, 4]);
                    response.AddRange(answer.GetAddressBytes());
                }
                await _udp.SendAsync(response.ToArray(), r.RemoteEndPoint);
                Queries.Enqueue(name);
            }
        }

        public void Dispose()
        {
            _stop.Cancel();
            _udp.Dispose();
        }
    }
}
