using Microsoft.EntityFrameworkCore;

namespace Chat.Server.Storage;

public static class StorageExtensions
{
    public const string DefaultRecords = "Data Source=data/chat.db";

    /// <summary>Records live in SQLite: <c>ConnectionStrings:Records</c>, default <c>data/chat.db</c>.</summary>
    public static IServiceCollection AddRecords(this IServiceCollection services, IConfiguration config)
    {
        var cs = config.GetConnectionString("Records");
        if (string.IsNullOrWhiteSpace(cs)) cs = DefaultRecords;
        services.AddDbContext<RecordsDbContext>(o => o.UseSqlite(cs));
        return services;
    }
}
