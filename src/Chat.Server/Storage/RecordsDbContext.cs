using Chat.Server.Accounts;
using Chat.Server.ContactForms;
using Microsoft.AspNetCore.Identity.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace Chat.Server.Storage;

/// <summary>
/// Durable records: accounts, contact forms, and the drafts of forms still to be filled.
/// Never anything that identifies a visitor: no names, no contact details, no transcripts, no IP addresses.
/// </summary>
public sealed class RecordsDbContext(DbContextOptions<RecordsDbContext> options) : IdentityDbContext<ChatUser>(options)
{
    public DbSet<ContactForm> ContactForms => Set<ContactForm>();
    public DbSet<ContactDraft> ContactDrafts => Set<ContactDraft>();
    public DbSet<SchemaVersion> SchemaVersions => Set<SchemaVersion>();

    // Instants are stored as UTC Unix seconds: ordered and comparable in SQL on every provider.
    private static readonly ValueConverter<DateTimeOffset, long> UnixSeconds =
        new(v => v.ToUnixTimeSeconds(), v => DateTimeOffset.FromUnixTimeSeconds(v));

    protected override void OnModelCreating(ModelBuilder builder)
    {
        base.OnModelCreating(builder);

        builder.Entity<ChatUser>(u =>
        {
            u.Property(x => x.DisplayName).HasMaxLength(64);
            u.Property(x => x.Experience).HasMaxLength(16);
        });

        builder.Entity<ContactForm>(f =>
        {
            f.ToTable("ContactForms");
            f.HasKey(x => x.Id);
            f.Property(x => x.Id).HasMaxLength(32);
            f.Property(x => x.ExpertId).HasMaxLength(64).IsRequired();
            f.Property(x => x.ConversationId).HasMaxLength(32);
            f.HasIndex(x => x.ConversationId).IsUnique();
            f.Property(x => x.IdempotencyKey).HasMaxLength(64);
            f.HasIndex(x => new { x.ExpertId, x.IdempotencyKey }).IsUnique();
            f.HasIndex(x => x.OccurredAt);
            f.HasIndex(x => new { x.ExpertId, x.OccurredAt });
            f.Property(x => x.Conversation).HasMaxLength(16);
            f.Property(x => x.ContactType).HasMaxLength(16);
            f.Property(x => x.ContactSeeker).HasMaxLength(32);
            f.Property(x => x.ReferralSources).HasMaxLength(200);
            f.Property(x => x.ReferralOther).HasMaxLength(100);
            f.Property(x => x.Support).HasMaxLength(200);
            f.Property(x => x.ProfessionalHelp).HasMaxLength(200);
            f.Property(x => x.Safety).HasMaxLength(16);
            f.Property(x => x.OccurredAt).HasConversion(UnixSeconds);
            f.Property(x => x.CreatedAt).HasConversion(UnixSeconds);
        });

        builder.Entity<ContactDraft>(d =>
        {
            d.ToTable("ContactDrafts");
            d.HasKey(x => x.ConversationId);
            d.Property(x => x.ConversationId).HasMaxLength(32);
            d.Property(x => x.ExpertId).HasMaxLength(64).IsRequired();
            d.HasIndex(x => x.ExpertId);
            d.Property(x => x.ContactSeeker).HasMaxLength(32);
            d.Property(x => x.Conversation).HasMaxLength(16);
            d.Property(x => x.ReferralSource).HasMaxLength(32);
            d.Property(x => x.OccurredAt).HasConversion(UnixSeconds);
            d.Property(x => x.EndedAt).HasConversion(UnixSeconds);
        });

        builder.Entity<SchemaVersion>(s =>
        {
            s.ToTable("SchemaVersion");
            s.HasKey(x => x.Version);
            s.Property(x => x.Version).ValueGeneratedNever();
        });
    }
}

public sealed class SchemaVersion
{
    public int Version { get; set; }
    public DateTimeOffset AppliedAt { get; set; }
}
