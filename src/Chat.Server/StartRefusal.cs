using Microsoft.Extensions.Options;

namespace Chat.Server;

/// <summary>A configuration the server will not start with; its message is the one line the log gets (no stack trace).</summary>
public sealed class StartRefusedException(string message) : Exception(message);

/// <summary>
/// The start's refusals (Production with a demo account or its password, no <c>Widget:AllowedEmbedOrigins</c>, a weak
/// or missing first coordinator, any other setting validated at start), checked before anything is written: no
/// schema, no account, no file. The caller writes one line and ends with a non-zero exit code.
/// </summary>
public static class StartRefusal
{
    public static async Task<string?> CheckAsync(IServiceProvider services)
    {
        try
        {
            services.GetService<IStartupValidator>()?.Validate(); // every ValidateOnStart, as the host's start would
        }
        catch (OptionsValidationException e)
        {
            return string.Join(" ", e.Failures);
        }
        catch (AggregateException e) when (e.InnerExceptions.All(x => x is OptionsValidationException))
        {
            return string.Join(" ", e.InnerExceptions.OfType<OptionsValidationException>().SelectMany(x => x.Failures));
        }
        using var scope = services.CreateScope();
        return await scope.ServiceProvider.GetRequiredService<Accounts.AccountSeeder>()
            .RefusalBeforeWritingAsync(scope.ServiceProvider.GetRequiredService<Storage.RecordsDbContext>());
    }

    /// <summary>The one line of a refused start.</summary>
    public static void Log(ILogger logger, string reason) => logger.LogCritical("The server does not start: {Reason}", reason);
}
