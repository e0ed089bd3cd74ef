using Microsoft.AspNetCore.Antiforgery;
using Microsoft.Net.Http.Headers;

namespace Chat.Server.Abuse;

/// <summary>
/// Every request that changes state under <c>/api</c> (POST, PUT, PATCH, DELETE) is JSON (<c>Content-Type:
/// application/json</c>) or carries the antiforgery token; anything else answers 415 before an endpoint runs. A page
/// of another site can send a form or a bodiless <c>fetch</c> (text/plain, form-encoded, no type at all) without
/// asking, never a JSON request: so a body-less POST such as <c>/api/auth/logout</c> or <c>/two-factor/setup</c> cannot
/// be fired from elsewhere, whatever the cookie's SameSite. The one exception is the quick exit's beacon
/// <c>/api/visitor/leave</c> (text/plain by nature; anonymous, it ends only the chat whose token it carries).
/// JSON is UTF-8 (RFC 8259): a charset other than <c>utf-8</c> answers 415 too (the framework's reader would fail on an
/// unknown one with a 500 and a stack trace in the log, for anyone who asks), and so does a form whose token cannot be
/// read (a malformed multipart body).
/// </summary>
public sealed class ApiWriteGate(RequestDelegate next, IAntiforgery antiforgery, RefusalLog refusals,
    Microsoft.Extensions.Options.IOptions<AntiforgeryOptions> antiforgeryOptions)
{
    public const string Beacon = "/api/visitor/leave";

    public Task InvokeAsync(HttpContext http)
    {
        var request = http.Request;
        // Not async for everything else (a hub's WebSocket would keep this state machine for the whole visit).
        if (!request.Path.StartsWithSegments("/api") || !ChangesState(request.Method) || request.Path.StartsWithSegments(Beacon))
            return next(http);
        return Json(request.ContentType) switch
        {
            JsonType.Utf8 => next(http),
            JsonType.OtherCharset => Refuse(http, "json-charset"),
            _ => CheckAsync(http),
        };
    }

    private async Task CheckAsync(HttpContext http)
    {
        if (MayCarryToken(http) && await TokenIsValidAsync(http))
        {
            await next(http);
            return;
        }
        await Refuse(http, "not-json");
    }

    private async Task<bool> TokenIsValidAsync(HttpContext http)
    {
        try
        {
            return await antiforgery.IsRequestValidAsync(http);
        }
        catch (AntiforgeryValidationException)
        {
            return false; // the form could not be read
        }
    }

    private Task Refuse(HttpContext http, string reason)
    {
        refusals.Refused(http.Connection.Id, reason, (http.GetEndpoint() as RouteEndpoint)?.RoutePattern.RawText ?? "/api");
        http.Response.StatusCode = StatusCodes.Status415UnsupportedMediaType;
        return Task.CompletedTask;
    }

    /// <summary>
    /// The token in its header, or in a small form of a signed-in user (the token is bound to the user): nothing buffers
    /// an anonymous caller's form, or a large one, before an endpoint runs.
    /// </summary>
    private bool MayCarryToken(HttpContext http) =>
        (antiforgeryOptions.Value.HeaderName is { } header && http.Request.Headers.ContainsKey(header))
        || (http.User.Identity?.IsAuthenticated == true && http.Request.HasFormContentType && http.Request.ContentLength is <= 16 * 1024);

    private static bool ChangesState(string method) =>
        HttpMethods.IsPost(method) || HttpMethods.IsPut(method) || HttpMethods.IsPatch(method) || HttpMethods.IsDelete(method);

    private enum JsonType { None, Utf8, OtherCharset }

    /// <summary>application/json without a charset or with utf-8 (Utf8); not text/plain, forms or a missing type (None).</summary>
    private static JsonType Json(string? contentType) =>
        !MediaTypeHeaderValue.TryParse(contentType, out var type) || !type.MediaType.Equals("application/json", StringComparison.OrdinalIgnoreCase)
            ? JsonType.None
            : type.Charset.HasValue && !type.Charset.Equals("utf-8", StringComparison.OrdinalIgnoreCase) // (the reader takes no quotes either)
                ? JsonType.OtherCharset
                : JsonType.Utf8;
}

public static class ApiWriteGateExtensions
{
    /// <summary>After authentication: the antiforgery token is bound to the signed-in user.</summary>
    public static IApplicationBuilder UseApiWriteGate(this IApplicationBuilder app) => app.UseMiddleware<ApiWriteGate>();
}
