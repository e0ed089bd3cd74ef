using System.Text.RegularExpressions;
using Microsoft.Playwright;

namespace Chat.Tests.Browser;

/// <summary>
/// A page's hub WebSocket, routed through Playwright (<c>context.setOffline</c> leaves open WebSockets alone). Frames
/// pass as they are until <see cref="Lose"/>: from then on what the server sends never reaches the page, as on a
/// connection that is dying while both ends still count it as open. <see cref="CutAsync"/> then closes both ends; the
/// page reconnects by itself and its next connection passes everything again.
/// </summary>
public sealed class HubLine
{
    private readonly object _gate = new();
    private readonly List<string> _lost = [];
    private readonly List<(string Target, TaskCompletionSource Seen)> _waiting = [];
    private Link? _current;

    /// <summary>Routes the WebSockets to <paramref name="hubPath"/> of pages opened after this call (before GotoAsync).</summary>
    public static async Task<HubLine> RouteAsync(IPage page, string hubPath)
    {
        var line = new HubLine();
        await page.RouteWebSocketAsync(new Regex(Regex.Escape(hubPath)), line.Attach);
        return line;
    }

    private void Attach(IWebSocketRoute page)
    {
        var link = new Link(page, page.ConnectToServer());
        // What the page sends goes on to the server as it is (the default); what the server sends, only while not losing.
        link.Server.OnMessage(frame =>
        {
            if (!link.Losing)
            {
                if (frame.Text is { } text) link.Page.Send(text);
                else link.Page.Send(frame.Binary!);
            }
            else if (frame.Text is { } lost) Record(lost);
        });
        lock (_gate) _current = link;
    }

    /// <summary>From now on nothing the server sends on the current connection reaches the page.</summary>
    public void Lose()
    {
        lock (_gate) _current!.Losing = true;
    }

    /// <summary>What the server sends on the current connection reaches the page again (what was lost stays lost).</summary>
    public void Restore()
    {
        lock (_gate) _current!.Losing = false;
    }

    /// <summary>Waits until an event named <paramref name="target"/> was sent by the server and lost.</summary>
    public Task LostAsync(string target)
    {
        lock (_gate)
        {
            if (_lost.Any(f => Carries(f, target))) return Task.CompletedTask;
            var seen = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _waiting.Add((target, seen));
            return seen.Task.WaitAsync(TimeSpan.FromSeconds(15));
        }
    }

    /// <summary>Closes both ends of the current connection: the server sees the page go, the page reconnects.</summary>
    public async Task CutAsync()
    {
        Link link;
        lock (_gate) link = _current!;
        await link.Page.CloseAsync(new() { Code = 4000, Reason = "cut" });
        await link.Server.CloseAsync(new() { Code = 4000, Reason = "cut" });
    }

    private void Record(string frame)
    {
        lock (_gate)
        {
            _lost.Add(frame);
            foreach (var w in _waiting.Where(w => Carries(frame, w.Target)).ToList())
            {
                w.Seen.TrySetResult();
                _waiting.Remove(w);
            }
        }
    }

    // SignalR's JSON protocol: {"type":1,"target":"ChatEnded","arguments":[...]}, several to a frame.
    private static bool Carries(string frame, string target) => frame.Contains($"\"target\":\"{target}\"", StringComparison.Ordinal);

    private sealed class Link(IWebSocketRoute page, IWebSocketRoute server)
    {
        public IWebSocketRoute Page { get; } = page;
        public IWebSocketRoute Server { get; } = server;
        public volatile bool Losing;
    }
}
