using Chat.Server.Conversations;
using Chat.Server.Roster;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace Chat.Server.Widget;

/// <param name="NextOpening">Start of the next planned shift (null when none within 14 days).</param>
/// <param name="Upcoming">The planned opening hours of the next 7 days, shifts merged. Planning never opens the chat: <c>Open</c> does.</param>
/// <param name="Overflow">While closed: an open partner project with someone free now (the widget asks the visitor), or null.</param>
public sealed record StatusResponse(bool Open, int Waiting, int? EstimatedWaitSeconds, DateTimeOffset? NextOpening,
    IReadOnlyList<OpeningHours> Upcoming, OverflowOffer? Overflow = null);

public sealed record WidgetConfig(string OrganisationName, string QuickExitUrl, Dictionary<string, string> OpeningHours,
    Dictionary<string, string> Alternatives, int MaxMessageLength);

public static class WidgetApi
{
    private static ProblemHttpResult UnknownProject() => TypedResults.Problem(statusCode: 404, title: "Onbekend project",
        detail: "Er is geen project met dit adres (data-project in de insluitcode).");

    public static IEndpointRouteBuilder MapWidget(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api").WithTags("Widget").AllowAnonymous();

        // ?project= names the project whose widget asks (data-project); none: the installation's first, "default".
        api.MapGet("/status", async Task<Results<Ok<StatusResponse>, ProblemHttpResult>> (string? project, QueueView queue, RosterCalendar roster,
            TimeProvider time, HttpContext http, Tenancy.ProjectDirectory projects, Overflow overflow) =>
        {
            // The widget's host page is another origin: allow it to read the status, without credentials.
            http.Response.Headers.AccessControlAllowOrigin = "*";
            http.Response.Headers.CacheControl = "no-store";
            if (await projects.FindAsync(string.IsNullOrEmpty(project) ? null : project) is not { } p) return UnknownProject();
            var (open, waiting, estimate) = await queue.StatusAsync(p.Slug);
            var (next, upcoming) = await roster.OpeningsAsync(time.GetUtcNow(), p.Slug);
            return TypedResults.Ok(new StatusResponse(open, waiting, estimate, next, upcoming, open ? null : await overflow.OfferAsync(p.Slug)));
        });

        api.MapGet("/widget/config", async Task<Results<Ok<WidgetConfig>, ProblemHttpResult>> (string? project, IOptionsSnapshot<WidgetOptions> o,
            IOptionsSnapshot<ChatOptions> chat, HttpContext http, Tenancy.ProjectDirectory projects) =>
        {
            // The loader on the project's own site reads the quick-exit address from here (cross-origin, no credentials).
            http.Response.Headers.AccessControlAllowOrigin = "*";
            if (await projects.FindAsync(string.IsNullOrEmpty(project) ? null : project) is not { } p) return UnknownProject();
            var nl = projects.TextsOf(p, "nl");
            var en = projects.TextsOf(p, "en");
            return TypedResults.Ok(new WidgetConfig(nl.OrganisationName, nl.QuickExitUrl,
                new Dictionary<string, string> { ["nl"] = nl.OpeningHours, ["en"] = en.OpeningHours },
                new Dictionary<string, string> { ["nl"] = nl.Alternatives, ["en"] = en.Alternatives }, chat.Value.MaxMessageLength));
        });

        return app;
    }
}
