using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace Chat.Server.Mailbox;

/// <summary>The mailbox's tables in the records (schema step 10). Every table carries its project.</summary>
public static class MailboxModel
{
    public static readonly string[] Tables = ["MailboxThreads", "MailboxMessages", "MailboxEvents"];

    private static readonly ValueConverter<DateTimeOffset, long> UnixSeconds =
        new(v => v.ToUnixTimeSeconds(), v => DateTimeOffset.FromUnixTimeSeconds(v));

    private static readonly ValueConverter<DateTimeOffset?, long?> NullableUnixSeconds =
        new(v => v.HasValue ? v.Value.ToUnixTimeSeconds() : null, v => v.HasValue ? DateTimeOffset.FromUnixTimeSeconds(v.Value) : null);

    public static void Configure(ModelBuilder builder)
    {
        builder.Entity<MailboxThread>(t =>
        {
            t.ToTable("MailboxThreads");
            t.HasKey(x => x.Id);
            t.Property(x => x.Id).HasMaxLength(32);
            t.Property(x => x.Project).HasMaxLength(40).IsRequired().HasDefaultValue(MailboxThreads.DefaultProject);
            t.Property(x => x.CodeHash).HasMaxLength(64).IsRequired();
            t.HasIndex(x => x.CodeHash).IsUnique();
            t.Property(x => x.Status).HasMaxLength(16).IsRequired();
            t.HasIndex(x => new { x.Project, x.Status });
            t.HasIndex(x => x.LastActivityAt);
            t.Property(x => x.About).HasMaxLength(16).IsRequired();
            t.Property(x => x.PreferredExperience).HasMaxLength(16).IsRequired();
            t.Property(x => x.PreferredGender).HasMaxLength(16).IsRequired();
            t.Property(x => x.Language).HasMaxLength(8).IsRequired();
            t.Property(x => x.Referral).HasMaxLength(40);
            t.Property(x => x.ClaimedBy).HasMaxLength(64);
            t.Property(x => x.LastExpertId).HasMaxLength(64);
            t.Property(x => x.NoteBy).HasMaxLength(64);
            t.Property(x => x.FromConversationId).HasMaxLength(32);
            t.HasIndex(x => x.FromConversationId).IsUnique();
            t.Property(x => x.CreatedAt).HasConversion(UnixSeconds);
            t.Property(x => x.LastActivityAt).HasConversion(UnixSeconds);
            t.Property(x => x.WaitingSince).HasConversion(NullableUnixSeconds);
            t.Property(x => x.ClaimedUntil).HasConversion(NullableUnixSeconds);
        });

        builder.Entity<MailboxMessage>(m =>
        {
            m.ToTable("MailboxMessages");
            m.HasKey(x => x.Id);
            m.Property(x => x.ThreadId).HasMaxLength(32).IsRequired();
            m.HasIndex(x => x.ThreadId);
            m.Property(x => x.Project).HasMaxLength(40).IsRequired().HasDefaultValue(MailboxThreads.DefaultProject);
            m.Property(x => x.From).HasMaxLength(16).IsRequired();
            m.Property(x => x.ExpertId).HasMaxLength(64);
            m.Property(x => x.DisplayName).HasMaxLength(64);
            m.Property(x => x.Cipher).IsRequired();
            m.Property(x => x.SentAt).HasConversion(UnixSeconds);
        });

        builder.Entity<MailboxEvent>(e =>
        {
            e.ToTable("MailboxEvents");
            e.HasKey(x => x.Id);
            e.Property(x => x.Project).HasMaxLength(40).IsRequired().HasDefaultValue(MailboxThreads.DefaultProject);
            e.Property(x => x.Kind).HasMaxLength(16).IsRequired();
            e.HasIndex(x => new { x.Project, x.Kind, x.At });
            e.Property(x => x.At).HasConversion(UnixSeconds);
        });
    }
}
