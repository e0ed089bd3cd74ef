using System.Collections.Concurrent;
using Microsoft.AspNetCore.Connections.Features;
using Microsoft.AspNetCore.SignalR;

namespace Chat.Server.Operations;

/// <summary>
/// A planned stop (SIGTERM) closes every hub connection properly: SignalR's close message (reconnect allowed) and a
/// WebSocket close frame, before the host cuts what is left. Left to itself, SignalR aborts its connections when the
/// application stops, and the browser sees the socket reset (close code 1006) and a load balancer in front logs a
/// dropped upstream connection. The clients reconnect at once, through the load balancer, to another node.
/// The filter knows the open hub connections; the middleware counts the hub requests still running (a WebSocket's
/// request ends once its close handshake is done), and the stop waits for them, at most <see cref="Limit"/>.
/// </summary>
public sealed class HubShutdown(IHostApplicationLifetime lifetime, ILogger<HubShutdown> logger) : IHubFilter, IHostedService
{
    /// <summary>How long a stop waits for the close handshakes (SignalR waits 5 s for a client's answer to its close frame).</summary>
    public static readonly TimeSpan Limit = TimeSpan.FromSeconds(8);

    private readonly ConcurrentDictionary<string, HubCallerContext> _connections = new();
    private readonly object _gate = new();
    private int _requests;
    private TaskCompletionSource? _drained;

    public async Task OnConnectedAsync(HubLifetimeContext context, Func<HubLifetimeContext, Task> next)
    {
        _connections[context.Context.ConnectionId] = context.Context;
        try
        {
            await next(context);
        }
        catch
        {
            _connections.TryRemove(context.Context.ConnectionId, out _); // refused: SignalR calls no OnDisconnectedAsync
            throw;
        }
        // Opened while the stop was already closing the others: close this one too.
        if (lifetime.ApplicationStopping.IsCancellationRequested) Close(context.Context);
    }

    public Task OnDisconnectedAsync(HubLifetimeContext context, Exception? exception, Func<HubLifetimeContext, Exception?, Task> next)
    {
        _connections.TryRemove(context.Context.ConnectionId, out _);
        return next(context, exception);
    }

    /// <summary>Counts the requests to /hubs while they run.</summary>
    public async Task TrackAsync(HttpContext http, RequestDelegate next)
    {
        if (!http.Request.Path.StartsWithSegments("/hubs"))
        {
            await next(http);
            return;
        }
        lock (_gate) _requests++;
        try
        {
            await next(http);
        }
        finally
        {
            lock (_gate)
                if (--_requests == 0) _drained?.TrySetResult();
        }
    }

    public Task StartAsync(CancellationToken cancellationToken)
    {
        // Registered once the host starts, after SignalR's own (at MapHub): the stopping callbacks run newest first, so
        // this one closes the connections before SignalR's aborts whatever is left.
        lifetime.ApplicationStopping.Register(CloseAll);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private void CloseAll()
    {
        Task drained;
        lock (_gate)
        {
            _drained = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            if (_requests == 0) return;
            drained = _drained.Task;
        }
        var count = _connections.Count;
        foreach (var connection in _connections.Values) Close(connection);
        // The stopping callbacks run one after another on the signal's thread: waiting here keeps SignalR's abort back.
        if (!drained.Wait(Limit))
            logger.LogWarning("Stopping: hub connections still open after {Seconds} s; the rest are cut", Limit.TotalSeconds);
        else
            logger.LogInformation("Stopping: {Count} hub connection(s) closed", count);
    }

    /// <summary>SignalR's own graceful close: its close message with reconnect allowed, then the transport's close.</summary>
    private static void Close(HubCallerContext connection)
    {
        if (connection.Features.Get<IConnectionLifetimeNotificationFeature>() is { } lifetime) lifetime.RequestClose();
        else connection.Abort();
    }
}
