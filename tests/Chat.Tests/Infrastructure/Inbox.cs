using System.Collections.Concurrent;
using System.Text.Json;
using System.Threading.Channels;
using Microsoft.AspNetCore.SignalR.Client;

namespace Chat.Tests.Infrastructure;

/// <summary>
/// Receives a hub connection's events as raw JSON, one channel per event name, awaited with a timeout
/// (never a fixed delay). Raw JSON lets the tests check the contract's exact camelCase names.
/// </summary>
public sealed class Inbox
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(15);
    private readonly ConcurrentDictionary<string, Channel<JsonElement>> _events = new(StringComparer.OrdinalIgnoreCase);

    public Inbox(HubConnection connection, params string[] names)
    {
        foreach (var name in names)
        {
            var channel = Of(name);
            connection.On(name, [typeof(JsonElement)], args =>
            {
                channel.Writer.TryWrite((JsonElement)args[0]!);
                return Task.CompletedTask;
            });
        }
    }

    private Channel<JsonElement> Of(string name) => _events.GetOrAdd(name, _ => Channel.CreateUnbounded<JsonElement>());

    public async Task<JsonElement> Next(string name)
    {
        using var cts = new CancellationTokenSource(Timeout);
        try
        {
            return await Of(name).Reader.ReadAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"No '{name}' event within {Timeout.TotalSeconds} s.");
        }
    }

    /// <summary>Reads events of this name until one matches.</summary>
    public async Task<JsonElement> Until(string name, Func<JsonElement, bool> match)
    {
        while (true)
        {
            var e = await Next(name);
            if (match(e)) return e;
        }
    }

    /// <summary>Events already received and not yet read, without waiting.</summary>
    public List<JsonElement> Drain(string name)
    {
        var list = new List<JsonElement>();
        while (Of(name).Reader.TryRead(out var e)) list.Add(e);
        return list;
    }
}
