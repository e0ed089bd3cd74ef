using System.Security.Claims;
using Chat.Server.Widget;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;
using QRCoder;

namespace Chat.Server.Accounts;

/// <summary>
/// Two-factor sign-in with an authenticator app (TOTP, RFC 6238: 30 s, 6 digits) on ASP.NET Core Identity's own
/// authenticator token provider and recovery codes. Every signed-in account (expert or coordinator) may use it.
/// </summary>
public static class TwoFactorApi
{
    public const int RecoveryCodeCount = 10;

    public sealed record CodeRequest(string? Code);
    public sealed record TwoFactorState(bool Enabled, int RecoveryCodesLeft, bool Required);
    public sealed record Setup(string Secret, string OtpauthUri, string QrSvg);
    public sealed record Enabled(string[] RecoveryCodes);

    public static IEndpointRouteBuilder MapTwoFactor(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/auth/two-factor").WithTags("Auth").RequireAuthorization();

        // Where the account stands, so the set-up page knows what to show.
        group.MapGet("/", async Task<Results<Ok<TwoFactorState>, UnauthorizedHttpResult>> (
            ClaimsPrincipal principal, UserManager<ChatUser> users, IOptions<TwoFactorOptions> options) =>
        {
            var user = await users.GetUserAsync(principal);
            if (user is null) return TypedResults.Unauthorized();
            return TypedResults.Ok(new TwoFactorState(user.TwoFactorEnabled,
                user.TwoFactorEnabled ? await users.CountRecoveryCodesAsync(user) : 0,
                TwoFactorRequirement.AppliesTo(principal, options.Value)));
        });

        // A fresh secret every time: a secret somebody else fetched earlier (e.g. with a stolen session) stops working.
        group.MapPost("/setup", async Task<Results<Ok<Setup>, UnauthorizedHttpResult, ProblemHttpResult>> (
            ClaimsPrincipal principal, UserManager<ChatUser> users, SignInManager<ChatUser> signIn, IOptions<WidgetOptions> widget,
            SecondFactor codes) =>
        {
            var user = await users.GetUserAsync(principal);
            if (user is null) return TypedResults.Unauthorized();
            // Replacing the secret of an account that uses it would take a session alone to lock the person out.
            if (user.TwoFactorEnabled)
                return TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "Tweestapsverificatie staat al aan",
                    detail: "Zet tweestapsverificatie eerst uit (met een code) om een nieuwe app te koppelen.");

            await users.ResetAuthenticatorKeyAsync(user);
            await codes.ForgetLastStepAsync(user); // a new secret, a new series of codes
            await signIn.RefreshSignInAsync(user); // the reset changed the security stamp: keep this session
            var secret = (await users.GetAuthenticatorKeyAsync(user))!;
            var uri = OtpauthUri(widget.Value.OrganisationName, user.UserName ?? "", secret);
            return TypedResults.Ok(new Setup(secret, uri, QrSvg(uri)));
        });

        group.MapPost("/enable", async Task<Results<Ok<Enabled>, UnauthorizedHttpResult, ValidationProblem, ProblemHttpResult>> (
            CodeRequest? body, ClaimsPrincipal principal, UserManager<ChatUser> users, SignInManager<ChatUser> signIn, SecondFactor codes,
            HttpContext http) =>
        {
            var user = await users.GetUserAsync(principal);
            if (user is null) return TypedResults.Unauthorized();
            if (user.TwoFactorEnabled)
                return TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "Tweestapsverificatie staat al aan");
            var code = Normalise(body?.Code);
            if (code.Length == 0) return CodeProblem("Vul de code uit je authenticator-app in.");
            if (await users.GetAuthenticatorKeyAsync(user) is null) return CodeProblem("Begin opnieuw met instellen: er is nog geen app gekoppeld.");
            var check = await codes.CheckAsync(user, code, SecondFactor.Kinds.App);
            if (check.LockedFor is { } lockedFor) return TooManyCodes(http, lockedFor);
            if (!check.Accepted)
                return CodeProblem("Deze code klopt niet. Controleer de tijd op je telefoon en vul de nieuwste code in.");

            await users.SetTwoFactorEnabledAsync(user, true);
            var recovery = await users.GenerateNewTwoFactorRecoveryCodesAsync(user, RecoveryCodeCount);
            // The stamp changed: this session goes on, sessions opened without the second step end.
            await signIn.RefreshSignInAsync(user);
            return TypedResults.Ok(new Enabled([.. recovery ?? []]));
        });

        // A stolen session alone cannot switch it off: the code checks share the account's limit (429 once locked).
        group.MapPost("/disable", async Task<Results<NoContent, UnauthorizedHttpResult, ValidationProblem, ProblemHttpResult>> (
            CodeRequest? body, ClaimsPrincipal principal, UserManager<ChatUser> users, SignInManager<ChatUser> signIn, SecondFactor codes,
            HttpContext http) =>
        {
            var user = await users.GetUserAsync(principal);
            if (user is null) return TypedResults.Unauthorized();
            var code = Normalise(body?.Code);
            if (code.Length == 0) return CodeProblem("Vul een code uit je authenticator-app of een herstelcode in.");
            if (!user.TwoFactorEnabled) return TypedResults.NoContent();
            var check = await codes.CheckAsync(user, code, SecondFactor.Kinds.Either);
            if (check.LockedFor is { } lockedFor) return TooManyCodes(http, lockedFor);
            if (!check.Accepted) return CodeProblem("Deze code klopt niet.");

            await users.SetTwoFactorEnabledAsync(user, false);
            await users.GenerateNewTwoFactorRecoveryCodesAsync(user, 0); // left-over recovery codes stop working
            await users.ResetAuthenticatorKeyAsync(user);                // and so does the app's secret
            await signIn.RefreshSignInAsync(user);
            return TypedResults.NoContent();
        });

        return app;
    }

    /// <summary>
    /// Codes as people type them: spaces ("123 456") and dashes dropped from an app code; a recovery code in capitals
    /// with its dash, as Identity makes them ("ABCDE-FGHJK"), also when typed without one.
    /// </summary>
    public static string Normalise(string? code)
    {
        var c = (code ?? "").Replace(" ", "").Trim().ToUpperInvariant();
        var bare = c.Replace("-", "");
        if (bare.Length == 6 && bare.All(char.IsAsciiDigit)) return bare;
        return bare.Length == 10 ? $"{bare[..5]}-{bare[5..]}" : c;
    }

    /// <summary>
    /// A code for sign-in: a fresh app code, or an unused recovery code (which is used up), under the account's limit of
    /// wrong codes (<see cref="SecondFactor"/>): whoever has the password gets five tries per quarter of an hour, from any
    /// number of addresses. A stranger without the password never reaches this step, so cannot lock anyone out.
    /// </summary>
    public static async Task<SecondFactor.Result> CheckSignInCodeAsync(SecondFactor codes, ChatUser user, string? typed)
    {
        var code = Normalise(typed);
        if (code.Length == 0) return new(false, null);
        return await codes.CheckAsync(user, code, SecondFactor.Kinds.Either);
    }

    /// <summary>429 with <c>Retry-After</c> (whole seconds): the account's code checks are locked.</summary>
    public static ProblemHttpResult TooManyCodes(HttpContext http, TimeSpan lockedFor)
    {
        http.Response.Headers.RetryAfter = RetryAfterSeconds(lockedFor);
        return TypedResults.Problem(statusCode: StatusCodes.Status429TooManyRequests, title: "Te veel foute codes",
            detail: $"Na {SecondFactor.MaxWrongCodes} foute codes kan er een kwartier geen code worden ingevuld voor dit account. " +
                    $"Probeer het over {Minutes(lockedFor)} opnieuw.");
    }

    public static string RetryAfterSeconds(TimeSpan lockedFor) =>
        ((long)Math.Ceiling(lockedFor.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture);

    private static string Minutes(TimeSpan t) => Math.Ceiling(t.TotalMinutes) is var m && m <= 1 ? "een minuut" : $"{m} minuten";

    private static ValidationProblem CodeProblem(string message) =>
        TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["code"] = [message] });

    /// <summary>The Key Uri Format authenticator apps read: issuer and account in the label and the issuer again as a parameter.</summary>
    public static string OtpauthUri(string issuer, string userName, string secret) =>
        $"otpauth://totp/{Uri.EscapeDataString(issuer)}:{Uri.EscapeDataString(userName)}" +
        $"?secret={secret}&issuer={Uri.EscapeDataString(issuer)}&digits=6&period=30";

    /// <summary>The QR code drawn here, as SVG: the secret never goes to a third-party QR service.</summary>
    public static string QrSvg(string text)
    {
        using var generator = new QRCodeGenerator();
        using var data = generator.CreateQrCode(text, QRCodeGenerator.ECCLevel.M);
        return new SvgQRCode(data).GetGraphic(8, "#000000", "#ffffff", drawQuietZones: true, SvgQRCode.SizingMode.ViewBoxAttribute);
    }
}
