using Chat.Server.Conversations;
using Microsoft.Extensions.Options;

namespace Chat.Server.Widget;

public sealed record StatusResponse(bool Open, int Waiting, int? EstimatedWaitSeconds, DateTimeOffset? NextOpening);

public sealed record WidgetConfig(string OrganisationName, string QuickExitUrl, Dictionary<string, string> OpeningHours,
    Dictionary<string, string> Alternatives, int MaxMessageLength);

public static class WidgetApi
{
    public static IEndpointRouteBuilder MapWidget(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api").WithTags("Widget").AllowAnonymous();

        api.MapGet("/status", async (ChatRouter router, HttpContext http) =>
        {
            // The widget's host page is another origin: allow it to read the status, without credentials.
            http.Response.Headers.AccessControlAllowOrigin = "*";
            http.Response.Headers.CacheControl = "no-store";
            var (open, waiting, estimate) = await router.StatusAsync();
            return TypedResults.Ok(new StatusResponse(open, waiting, estimate, null));
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
