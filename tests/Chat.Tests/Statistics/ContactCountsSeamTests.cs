using Chat.Server.ContactForms;
using Chat.Server.Storage;
using Chat.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.Extensions.Configuration;

namespace Chat.Tests.Statistics;

/// <summary>Storage keeps records and knows nothing of the statistics; the Statistics feature counts new forms itself.</summary>
public sealed class ContactCountsSeamTests
{
    [Fact]
    public async Task TheStatisticsFeatureCountsFormsThroughItsOwnSaveChangesInterceptor()
    {
        Assert.Equal(typeof(DbContext), typeof(RecordsDbContext)
            .GetMethod(nameof(DbContext.SaveChangesAsync), [typeof(bool), typeof(CancellationToken)])!.DeclaringType);
        await using var app = new ChatApp();
        using var scope = app.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<RecordsDbContext>();
        var interceptors = db.GetService<IDbContextOptions>().FindExtension<CoreOptionsExtension>()?.Interceptors ?? [];
        Assert.Contains(interceptors, i => i is ISaveChangesInterceptor && i.GetType().Namespace == "Chat.Server.Statistics");
    }

    [Fact]
    public async Task ARecordsContextWithoutTheStatisticsFeatureStoresAFormAndCountsNothing()
    {
        await using var app = new ChatApp();
        _ = app.Server; // schema
        var records = app.Services.GetRequiredService<IConfiguration>().GetConnectionString("Records");
        await using var db = new RecordsDbContext(new DbContextOptionsBuilder<RecordsDbContext>().UseSqlite(records).Options);
        db.ContactForms.Add(new ContactForm
        {
            Id = "plain1", ExpertId = "x", OccurredAt = new DateTimeOffset(2026, 11, 17, 12, 0, 0, TimeSpan.Zero), DurationMinutes = 5,
            Conversation = "first", ContactType = "phone", ContactSeeker = "victim", Safety = "none",
            CreatedAt = new DateTimeOffset(2026, 11, 17, 12, 0, 0, TimeSpan.Zero),
        });
        await db.SaveChangesAsync();
        Assert.Equal(1, await db.ContactForms.CountAsync());
        Assert.Equal(0, await db.ContactDayCounts.CountAsync());
    }
}
