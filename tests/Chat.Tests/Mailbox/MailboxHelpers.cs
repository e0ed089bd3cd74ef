using System.Net.Http.Json;
using System.Text.Json;
using Chat.Tests.Infrastructure;

namespace Chat.Tests.Mailbox;

/// <summary>A visitor's calls to the mailbox, from one client address (X-Forwarded-For; loopback is the trusted proxy).</summary>
public sealed class MailboxVisitor(HttpClient http, string? address = null)
{
    public static Dictionary<string, string?> Settings(Dictionary<string, string?>? more = null)
    {
        var s = new Dictionary<string, string?> { ["Network:TrustedProxies:0"] = "127.0.0.1" };
        foreach (var (k, v) in more ?? []) s[k] = v;
        return s;
    }

    public Task<HttpResponseMessage> PostAsync(string path, object body)
    {
        var req = new HttpRequestMessage(HttpMethod.Post, path) { Content = JsonContent.Create(body) };
        if (address is not null) req.Headers.Add("X-Forwarded-For", address);
        return http.SendAsync(req);
    }

    public Task<HttpResponseMessage> LeaveAsync(string text, object? answers = null) =>
        PostAsync("/api/mailbox", answers is null ? new { text } : Merge(text, answers));

    public async Task<string> LeaveCodeAsync(string text, object? answers = null)
    {
        var r = await LeaveAsync(text, answers);
        Assert.Equal(System.Net.HttpStatusCode.Created, r.StatusCode);
        return (await r.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("code").GetString()!;
    }

    public Task<HttpResponseMessage> OpenAsync(string code) => PostAsync("/api/mailbox/open", new { code });
    public Task<HttpResponseMessage> WriteAsync(string code, string text) => PostAsync("/api/mailbox/write", new { code, text });
    public Task<HttpResponseMessage> DeleteAsync(string code) => PostAsync("/api/mailbox/delete", new { code });

    private static Dictionary<string, object?> Merge(string text, object answers)
    {
        var d = JsonSerializer.SerializeToElement(answers).EnumerateObject().ToDictionary(p => p.Name, p => (object?)p.Value);
        d["text"] = text;
        return d;
    }
}

public static class MailboxJson
{
    public static async Task<JsonElement> Json(this HttpResponseMessage r) => await r.Content.ReadFromJsonAsync<JsonElement>();

    /// <summary>A code of the right form that no thread has (its check character is right).</summary>
    public static string WrongCode() => Chat.Server.Mailbox.MailboxCode.New();

    /// <summary>The same code with its last character changed: a typing error, not a guess.</summary>
    public static string Mistyped(string code) => code[..^1] + (code[^1] == '0' ? '1' : '0');
}
