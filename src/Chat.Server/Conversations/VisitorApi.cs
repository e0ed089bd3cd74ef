using System.Text;

namespace Chat.Server.Conversations;

/// <summary>
/// The quick exit's way out: the page is being replaced, so the widget cannot wait for a hub call. It sends the resume
/// token with <c>navigator.sendBeacon</c> and the server ends the chat (as LeaveChat) even though the page is gone, so no
/// expert waits for a visitor who fled and the token reads nothing back.
/// </summary>
public static class VisitorApi
{
    private const int MaxTokenBytes = 256;

    public static IEndpointRouteBuilder MapVisitorApi(this IEndpointRouteBuilder app)
    {
        // 204 whatever the token: the answer tells nothing about whether a chat existed.
        app.MapPost("/api/visitor/leave", async (HttpRequest request, ChatLifecycle lifecycle) =>
        {
            var buffer = new byte[MaxTokenBytes + 1];
            var read = 0;
            while (read < buffer.Length && await request.Body.ReadAsync(buffer.AsMemory(read)) is var n and > 0) read += n;
            if (read is > 0 and <= MaxTokenBytes)
            {
                var token = Encoding.UTF8.GetString(buffer, 0, read).Trim();
                if (token.Length is > 0 and <= 128) await lifecycle.LeaveByTokenAsync(token);
            }
            return TypedResults.NoContent();
        }).AllowAnonymous().DisableAntiforgery();
        return app;
    }
}
