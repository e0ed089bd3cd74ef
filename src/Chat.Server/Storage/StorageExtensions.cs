using Microsoft.EntityFrameworkCore;

namespace Chat.Server.Storage;

public static class StorageExtensions
{
    public const string DefaultRecords = "Data Source=data/chat.db";

    /// <summary>
    /// Records (accounts, roster, contact forms, hourly counters): <c>Records:Provider</c> <c>Sqlite</c> (default; one
    /// node, <c>ConnectionStrings:Records</c> defaults to <c>data/chat.db</c>) or <c>Postgres</c> (any number of nodes;
    /// the connection string is required). The same model and schema on both.
    /// </summary>
    public static IServiceCollection AddRecords(this IServiceCollection services, IConfiguration config)
    {
        var cs = config.GetConnectionString("Records");
        var provider = config["Records:Provider"];
        if (string.IsNullOrWhiteSpace(provider) || provider.Equals("Sqlite", StringComparison.OrdinalIgnoreCase))
        {
            if (string.IsNullOrWhiteSpace(cs)) cs = DefaultRecords;
            services.AddDbContext<RecordsDbContext>(o => o.UseSqlite(cs).AddInterceptors(SqliteConnectionSetup.Instance));
        }
        else if (provider.Equals("Postgres", StringComparison.OrdinalIgnoreCase))
        {
            if (string.IsNullOrWhiteSpace(cs))
                throw new InvalidOperationException("Records:Provider=Postgres needs ConnectionStrings:Records, " +
                                                    "e.g. \"Host=db;Database=chat;Username=chat;Password=...\".");
            services.AddDbContext<RecordsDbContext>(o => o.UseNpgsql(cs));
        }
        else
        {
            throw new InvalidOperationException($"Records:Provider '{provider}' is not known: use Sqlite (the default) or Postgres.");
        }
        return services;
    }
}
