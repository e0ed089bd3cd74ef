using Chat.Server.Conversations;
using Chat.Server.Roster;
using Microsoft.Extensions.Options;

namespace Chat.Server.Widget;

/// <param name="NextOpening">Start of the next planned shift (null when none within 14 days).</param>
/// <param name="Upcoming">The planned opening hours of the next 7 days, shifts merged. Planning never opens the chat: <c>Open</c> does.</param>
public sealed record StatusResponse(bool Open, int Waiting, int? EstimatedWaitSeconds, DateTimeOffset? NextOpening,
    IReadOnlyList<OpeningHours> Upcoming);

public sealed record WidgetConfig(string OrganisationName, string QuickExitUrl, Dictionary<string, string> OpeningHours,
    Dictionary<string, string> Alternatives, int MaxMessageLength);

public static class WidgetApi
{
    public static IEndpointRouteBuilder MapWidget(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api").WithTags("Widget").AllowAnonymous();

        api.MapGet("/status", async (QueueView queue, RosterCalendar roster, TimeProvider time, HttpContext http) =>
        {
            // The widget's host page is another origin: allow it to read the status, without credentials.
            http.Response.Headers.AccessControlAllowOrigin = "*";
            http.Response.Headers.CacheControl = "no-store";
            var (open, waiting, estimate) = await queue.StatusAsync();
            var (next, upcoming) = await roster.OpeningsAsync(time.GetUtcNow());
            return TypedResults.Ok(new StatusResponse(open, waiting, estimate, next, upcoming));
        });

        api.MapGet("/widget/config", (IOptionsSnapshot<WidgetOptions> o, IOptionsSnapshot<ChatOptions> chat, HttpContext http) =>
        {
            // The loader on the project's own site reads the quick-exit address from here (cross-origin, no credentials).
            http.Response.Headers.AccessControlAllowOrigin = "*";
            return TypedResults.Ok(new WidgetConfig(o.Value.OrganisationName, o.Value.QuickExitUrl, o.Value.OpeningHours,
                o.Value.Alternatives, chat.Value.MaxMessageLength));
        });

        return app;
    }
}
