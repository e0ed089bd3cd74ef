using System.Net;
using System.Net.Http.Headers;
using Chat.Tests.Infrastructure;

namespace Chat.Tests.Operations;

/// <summary>
/// The widget's and console's files really are compressed when the browser accepts it (issue 21: a "gzip" app.js
/// of 36,663 bytes for 36,625): the body sent is at most half the file, for gzip and for brotli.
/// </summary>
public sealed class CompressionTests
{
    [Theory]
    [InlineData("/widget/app.js", "gzip")]
    [InlineData("/widget/app.js", "br")]
    [InlineData("/widget/app.css", "gzip")]
    [InlineData("/_content/Chat.ExpertConsole/i18n.js", "gzip")]
    [InlineData("/_content/Chat.ExpertConsole/console.css", "br")]
    public async Task StaticFilesAreSentCompressedToABrowserThatAcceptsIt(string path, string encoding)
    {
        await using var app = new ChatApp();
        var client = app.CreateClient();
        var plain = await client.GetByteArrayAsync(path);

        var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.AcceptEncoding.Add(new StringWithQualityHeaderValue(encoding));
        var r = await client.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, r.StatusCode);
        Assert.Equal([encoding], r.Content.Headers.ContentEncoding);
        var sent = await r.Content.ReadAsByteArrayAsync();
        Assert.True(sent.Length * 2 <= plain.Length, $"{path} as {encoding}: {sent.Length} bytes sent for {plain.Length}");
    }
}
