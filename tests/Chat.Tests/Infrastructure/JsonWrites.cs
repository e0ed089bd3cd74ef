using System.Net.Http.Headers;

namespace Chat.Tests.Infrastructure;

/// <summary>
/// Body-less writes as the browser clients send them: with <c>Content-Type: application/json</c>, which every
/// state-changing /api request needs (Abuse/ApiWriteGate.cs; a bare DELETE or POST answers 415).
/// </summary>
public static class JsonWrites
{
    public static Task<HttpResponseMessage> DeleteJsonAsync(this HttpClient client, string url) =>
        client.SendAsync(new HttpRequestMessage(HttpMethod.Delete, url) { Content = Empty() });

    public static Task<HttpResponseMessage> PostEmptyJsonAsync(this HttpClient client, string url) =>
        client.PostAsync(url, Empty());

    private static ByteArrayContent Empty()
    {
        var content = new ByteArrayContent([]);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        return content;
    }
}
