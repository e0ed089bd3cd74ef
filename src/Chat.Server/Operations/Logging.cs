using Chat.Server.Abuse;
using Serilog;
using Serilog.Events;
using Serilog.Extensions.Hosting;
using Serilog.Formatting.Compact;

namespace Chat.Server.Operations;

/// <summary>
/// Logging through Serilog: one console sink, plain text or compact JSON (<c>Logging:Format=json</c>, one object a line,
/// for a log collector), behind <see cref="LogHygiene.PrivacySink"/>. The levels stay where they were
/// (<c>Logging:LogLevel</c>): Serilog is the provider of Microsoft.Extensions.Logging, which filters first.
/// </summary>
public static class ChatLogging
{
    private const string RequestCategory = "Serilog.AspNetCore.RequestLoggingMiddleware";

    public static WebApplicationBuilder AddChatLogging(this WebApplicationBuilder builder)
    {
        var config = builder.Configuration;
        var json = string.Equals(config["Logging:Format"], "json", StringComparison.OrdinalIgnoreCase);
        var configuration = new LoggerConfiguration()
            .MinimumLevel.Verbose() // Microsoft.Extensions.Logging has filtered by Logging:LogLevel already
            .MinimumLevel.Override(RequestCategory, LevelOf(config, RequestCategory))
            .Enrich.FromLogContext();
        // The only sink, behind the privacy sink.
        configuration.WriteTo.Sink(Serilog.Configuration.LoggerSinkConfiguration.Wrap(sink => new LogHygiene.PrivacySink(sink), to =>
        {
            if (json) to.Console(new CompactJsonFormatter());
            else to.Console(outputTemplate: "[{Timestamp:HH:mm:ss} {Level:u3}] {SourceContext}: {Message:lj}{NewLine}{Exception}");
        }));
        var logger = configuration.CreateLogger();
        builder.Logging.ClearProviders();
        // The provider alone: ILoggingBuilder.AddSerilog would add a rule letting every level through to it, past Logging:LogLevel.
        builder.Services.AddSingleton<ILoggerProvider>(new Serilog.Extensions.Logging.SerilogLoggerProvider(logger, dispose: true));
        builder.Logging.AddLogHygiene();
        builder.Services.AddSingleton<Serilog.ILogger>(logger);
        var diagnostics = new DiagnosticContext(logger);
        builder.Services.AddSingleton(diagnostics);
        builder.Services.AddSingleton<IDiagnosticContext>(diagnostics);
        return builder;
    }

    /// <summary>
    /// One line per request: method, path (never the query string), status and time. No address, user agent or header:
    /// nothing is added to the request's diagnostic context. Health probes and scrapes are written at Verbose only.
    /// </summary>
    public static IApplicationBuilder UseRequestLogging(this IApplicationBuilder app) =>
        app.UseSerilogRequestLogging(o =>
        {
            o.Logger = app.ApplicationServices.GetRequiredService<Serilog.ILogger>().ForContext("SourceContext", RequestCategory);
            o.IncludeQueryInRequestPath = false;
            o.MessageTemplate = "HTTP {RequestMethod} {RequestPath} responded {StatusCode} in {Elapsed:0.0} ms";
            o.GetLevel = (http, _, ex) =>
                ex is not null || http.Response.StatusCode >= 500 ? LogEventLevel.Error
                : http.Request.Path.StartsWithSegments("/health") || http.Request.Path.StartsWithSegments("/metrics") ? LogEventLevel.Verbose
                : LogEventLevel.Information;
        });

    /// <summary>The level Logging:LogLevel gives a category (its longest matching prefix, else Default), as Serilog's level.</summary>
    private static LogEventLevel LevelOf(IConfiguration config, string category)
    {
        var levels = config.GetSection("Logging:LogLevel").GetChildren()
            .Where(c => c.Key == "Default" || category.StartsWith(c.Key, StringComparison.Ordinal))
            .OrderByDescending(c => c.Key == "Default" ? -1 : c.Key.Length);
        var text = levels.FirstOrDefault()?.Value ?? "Information";
        return Enum.TryParse<LogLevel>(text, ignoreCase: true, out var level) ? level switch
        {
            LogLevel.Trace => LogEventLevel.Verbose,
            LogLevel.Debug => LogEventLevel.Debug,
            LogLevel.Information => LogEventLevel.Information,
            LogLevel.Warning => LogEventLevel.Warning,
            LogLevel.Error => LogEventLevel.Error,
            _ => LogEventLevel.Fatal,
        } : LogEventLevel.Information;
    }
}
