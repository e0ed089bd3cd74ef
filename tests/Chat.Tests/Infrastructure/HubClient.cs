using System.Net;
using System.Net.Sockets;
using System.Net.WebSockets;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR.Client;

namespace Chat.Tests.Infrastructure;

/// <summary>
/// The official SignalR client (Microsoft.AspNetCore.SignalR.Client) as the browser clients connect: WebSockets only,
/// negotiation skipped (the hubs take nothing else).
/// </summary>
public static class HubClient
{
    /// <summary>
    /// A HubConnection over a real ClientWebSocket to <paramref name="baseUrl"/> + <paramref name="path"/>;
    /// <paramref name="configure"/> sets request headers (cookie, origin, the address a proxy names);
    /// <paramref name="from"/> is the local address the socket leaves from (a second loopback address, say).
    /// </summary>
    public static HubConnection Hub(string baseUrl, string path, Action<ClientWebSocketOptions>? configure = null, IPAddress? from = null) =>
        Build(new Uri(baseUrl + path), async (uri, ct) =>
        {
            var ws = new ClientWebSocket();
            configure?.Invoke(ws.Options);
            if (from is null) await ws.ConnectAsync(uri, ct);
            else await ws.ConnectAsync(uri, new HttpMessageInvoker(Handler(from)), ct);
            return ws;
        });

    /// <summary>A HubConnection whose WebSocket comes from <paramref name="connect"/> (e.g. TestServer's in-memory client).</summary>
    public static HubConnection Build(Uri url, Func<Uri, CancellationToken, Task<WebSocket>> connect) =>
        new HubConnectionBuilder()
            .WithUrl(url, HttpTransportType.WebSockets, o =>
            {
                o.SkipNegotiation = true;
                o.WebSocketFactory = (context, ct) => new ValueTask<WebSocket>(connect(context.Uri, ct));
            })
            .Build();

    /// <summary>An HTTP handler whose connections leave from <paramref name="from"/> (a client at another address, on one machine).</summary>
    public static SocketsHttpHandler Handler(IPAddress from) => new()
    {
        UseCookies = false,
        ConnectCallback = async (context, ct) =>
        {
            var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            try
            {
                socket.Bind(new IPEndPoint(from, 0));
                await socket.ConnectAsync(context.DnsEndPoint, ct);
                return new NetworkStream(socket, ownsSocket: true);
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        },
    };
}
