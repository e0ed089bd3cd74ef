using System.Buffers;
using System.IO.Pipelines;
using System.Net;
using System.Net.WebSockets;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;

namespace Chat.Tests.Infrastructure;

/// <summary>
/// Gives the official SignalR <c>HubConnection</c> (SignalR.Client.Core) a WebSocket transport without the
/// missing Http.Connections.Client package: the connection is two pipes pumped to and from a WebSocket.
/// Negotiation is skipped, as the browser clients do.
/// </summary>
public sealed class WebSocketConnectionFactory(Func<Uri, CancellationToken, Task<WebSocket>> connect) : IConnectionFactory
{
    /// <summary>
    /// The official HubConnection over a real ClientWebSocket to <paramref name="baseUrl"/> + <paramref name="path"/>;
    /// <paramref name="configure"/> sets request headers (cookie, origin, the address a proxy names).
    /// </summary>
    public static HubConnection Hub(string baseUrl, string path, Action<ClientWebSocketOptions>? configure = null)
    {
        var factory = new WebSocketConnectionFactory(async (uri, ct) =>
        {
            var ws = new ClientWebSocket();
            configure?.Invoke(ws.Options);
            await ws.ConnectAsync(uri, ct);
            return ws;
        });
        var builder = new HubConnectionBuilder();
        builder.Services.AddSingleton<IConnectionFactory>(factory);
        builder.Services.AddSingleton<EndPoint>(new UriEndPoint(new Uri(baseUrl.Replace("http://", "ws://") + path)));
        return builder.Build();
    }

    public async ValueTask<ConnectionContext> ConnectAsync(EndPoint endpoint, CancellationToken ct = default)
    {
        var uri = ((UriEndPoint)endpoint).Uri;
        var socket = await connect(uri, ct);
        var connection = new WebSocketConnection(socket);
        connection.Start();
        return connection;
    }

    private sealed class WebSocketConnection : ConnectionContext
    {
        private readonly WebSocket _socket;
        private readonly Pipe _incoming = new();
        private readonly Pipe _outgoing = new();
        private readonly CancellationTokenSource _stop = new();
        private Task _receiving = Task.CompletedTask;
        private Task _sending = Task.CompletedTask;

        public WebSocketConnection(WebSocket socket)
        {
            _socket = socket;
            Transport = new DuplexPipe(_incoming.Reader, _outgoing.Writer);
        }

        public override string ConnectionId { get; set; } = Guid.NewGuid().ToString("n");
        public override IFeatureCollection Features { get; } = new FeatureCollection();
        public override IDictionary<object, object?> Items { get; set; } = new Dictionary<object, object?>();
        public override IDuplexPipe Transport { get; set; }

        public void Start()
        {
            _receiving = Task.Run(ReceiveAsync);
            _sending = Task.Run(SendAsync);
        }

        private async Task ReceiveAsync()
        {
            try
            {
                while (!_stop.IsCancellationRequested)
                {
                    var memory = _incoming.Writer.GetMemory(4096);
                    var result = await _socket.ReceiveAsync(memory, _stop.Token);
                    if (result.MessageType == WebSocketMessageType.Close) break;
                    _incoming.Writer.Advance(result.Count);
                    var flush = await _incoming.Writer.FlushAsync();
                    if (flush.IsCompleted) break;
                }
            }
            catch (Exception) { /* the socket died: the reader sees completion */ }
            finally
            {
                await _incoming.Writer.CompleteAsync();
            }
        }

        private async Task SendAsync()
        {
            try
            {
                while (true)
                {
                    var result = await _outgoing.Reader.ReadAsync();
                    var buffer = result.Buffer;
                    if (!buffer.IsEmpty)
                    {
                        var bytes = buffer.ToArray();
                        await _socket.SendAsync(bytes, WebSocketMessageType.Text, endOfMessage: true, _stop.Token);
                    }
                    _outgoing.Reader.AdvanceTo(buffer.End);
                    if (result.IsCompleted || result.IsCanceled) break;
                }
            }
            catch (Exception) { /* the socket died */ }
            finally
            {
                await _outgoing.Reader.CompleteAsync();
                try
                {
                    if (_socket.State == WebSocketState.Open)
                        await _socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, CancellationToken.None);
                }
                catch (Exception) { /* already gone */ }
            }
        }

        public override void Abort(ConnectionAbortedException abortReason)
        {
            _stop.Cancel();
            _socket.Abort();
        }

        public override async ValueTask DisposeAsync()
        {
            await _outgoing.Writer.CompleteAsync();
            await Task.WhenAny(_sending, Task.Delay(TimeSpan.FromSeconds(2))); // bounded wait for a clean close
            _stop.Cancel();
            _socket.Abort();
            await Task.WhenAll(_receiving.ContinueWith(_ => { }), _sending.ContinueWith(_ => { }));
            _socket.Dispose();
        }
    }

    private sealed class DuplexPipe(PipeReader input, PipeWriter output) : IDuplexPipe
    {
        public PipeReader Input { get; } = input;
        public PipeWriter Output { get; } = output;
    }
}
