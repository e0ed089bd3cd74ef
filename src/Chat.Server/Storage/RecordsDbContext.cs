using Chat.Server.Accounts;
using Chat.Server.ContactForms;
using Chat.Server.Mailbox;
using Chat.Server.Replies;
using Chat.Server.Roster;
using Chat.Server.Statistics;
using Chat.Server.Wellbeing;
using Microsoft.AspNetCore.Identity.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace Chat.Server.Storage;

/// <summary>
/// Durable records: accounts, contact forms, and the drafts of forms still to be filled.
/// Never anything that identifies a visitor: no names, no contact details, no transcripts, no IP addresses.
/// </summary>
/// <remarks>Features that act on a save (the statistics' daily counts) add their own interceptors to this context.</remarks>
public sealed class RecordsDbContext(DbContextOptions<RecordsDbContext> options, Tenancy.ProjectScope? scope = null) : IdentityDbContext<ChatUser>(options)
{
    public DbSet<Tenancy.Project> Projects => Set<Tenancy.Project>();
    public DbSet<ContactForm> ContactForms => Set<ContactForm>();
    public DbSet<ContactDraft> ContactDrafts => Set<ContactDraft>();
    public DbSet<SchemaVersion> SchemaVersions => Set<SchemaVersion>();
    public DbSet<QueueHour> QueueHours => Set<QueueHour>();
    public DbSet<QueueWait> QueueWaits => Set<QueueWait>();
    public DbSet<Shift> Shifts => Set<Shift>();
    public DbSet<ContactDayCount> ContactDayCounts => Set<ContactDayCount>();
    public DbSet<Setting> Settings => Set<Setting>();
    public DbSet<PlannedShift> PlannedShifts => Set<PlannedShift>();
    public DbSet<DebriefRequest> DebriefRequests => Set<DebriefRequest>();
    public DbSet<FeedbackDay> FeedbackDays => Set<FeedbackDay>();
    public DbSet<Reply> Replies => Set<Reply>();
    public DbSet<Referral> Referrals => Set<Referral>();
    public DbSet<CodeCheck> CodeChecks => Set<CodeCheck>();
    public DbSet<Triage.TriageWordList> TriageWordLists => Set<Triage.TriageWordList>();
    public DbSet<TierHour> TierHours => Set<TierHour>();
    public DbSet<TierWait> TierWaits => Set<TierWait>();
    public DbSet<ChatsTakenHour> ChatsTakenHours => Set<ChatsTakenHour>();
    public DbSet<MailboxThread> MailboxThreads => Set<MailboxThread>();
    public DbSet<MailboxMessage> MailboxMessages => Set<MailboxMessage>();
    public DbSet<MailboxEvent> MailboxEvents => Set<MailboxEvent>();

    // Instants are stored as UTC Unix seconds: ordered and comparable in SQL on every provider.
    private static readonly ValueConverter<DateTimeOffset, long> UnixSeconds =
        new(v => v.ToUnixTimeSeconds(), v => DateTimeOffset.FromUnixTimeSeconds(v));

    private static readonly ValueConverter<DateTimeOffset?, long?> NullableUnixSeconds =
        new(v => v.HasValue ? v.Value.ToUnixTimeSeconds() : null, v => v.HasValue ? DateTimeOffset.FromUnixTimeSeconds(v.Value) : null);

    // The one place records are scoped to the caller's projects (Tenancy/ProjectScope): a query filter on every project
    // record, evaluated per query with this context's scope (parameters, so one compiled model serves every caller).
    private bool AllProjects => scope?.All ?? true;
    private IReadOnlyList<string> ScopedProjects => scope?.Projects ?? [];

    /// <summary>Whether a record of these projects (an account's) is the caller's to see.</summary>
    public bool InScope(IEnumerable<string> projects) => scope?.IncludesAny(projects) ?? true;

    private void ScopeToProjects<T>(ModelBuilder builder) where T : class, Tenancy.IProjectRecord =>
        builder.Entity<T>().HasQueryFilter(x => AllProjects || ScopedProjects.Contains(x.Project));

    /// <summary>
    /// Every new project record gets the caller's project when it names none, and none is written outside the caller's.
    /// Called on every save by Tenancy/ProjectStamp (an interceptor, as every feature that acts on a save).
    /// </summary>
    public void StampProjects()
    {
        foreach (var e in ChangeTracker.Entries<Tenancy.IProjectRecord>())
        {
            if (e.State == EntityState.Added && string.IsNullOrEmpty(e.Entity.Project))
                e.Entity.Project = scope?.DefaultProject ?? Storage.Projects.Default;
            if (e.State is EntityState.Added or EntityState.Modified or EntityState.Deleted && scope is { } s && !s.Includes(e.Entity.Project))
                throw new Tenancy.ProjectScopeException(e.Entity.Project);
        }
    }

    protected override void OnModelCreating(ModelBuilder builder)
    {
        base.OnModelCreating(builder);

        builder.Entity<Tenancy.Project>(p =>
        {
            p.ToTable("Projects");
            p.HasKey(x => x.Slug);
            p.Property(x => x.Slug).HasMaxLength(40);
            p.Property(x => x.Name).HasMaxLength(80).IsRequired();
            p.Property(x => x.OrganisationName).HasMaxLength(80);
            p.Property(x => x.QuickExitUrl).HasMaxLength(300);
            p.Property(x => x.OpeningHoursText).HasMaxLength(300);
            p.Property(x => x.Alternatives).HasMaxLength(300);
            p.Property(x => x.EmbedOrigins).HasMaxLength(1200); // 10 origins of up to 100 characters, one a line
            p.Property(x => x.Partners).HasMaxLength(500);       // 10 slugs of up to 40, joined by commas
            p.Property(x => x.CreatedAt).HasConversion(UnixSeconds);
        });
        ScopeToProjects<ContactForm>(builder);
        ScopeToProjects<ContactDraft>(builder);
        ScopeToProjects<Reply>(builder);
        ScopeToProjects<Referral>(builder);
        ScopeToProjects<PlannedShift>(builder);
        ScopeToProjects<DebriefRequest>(builder);
        ScopeToProjects<TierHour>(builder);
        ScopeToProjects<QueueHour>(builder);
        ScopeToProjects<QueueWait>(builder);
        ScopeToProjects<FeedbackDay>(builder);
        ScopeToProjects<ContactDayCount>(builder);
        ScopeToProjects<TierWait>(builder);
        ScopeToProjects<ChatsTakenHour>(builder);
        ScopeToProjects<Triage.TriageWordList>(builder);
        ScopeToProjects<MailboxThread>(builder);
        ScopeToProjects<MailboxMessage>(builder);
        ScopeToProjects<MailboxEvent>(builder);

        builder.Entity<ChatUser>(u =>
        {
            u.Property(x => x.DisplayName).HasMaxLength(64);
            u.Property(x => x.Experience).HasMaxLength(16);
            u.Property(x => x.Gender).HasMaxLength(16).HasDefaultValue(Genders.Unspecified);
            u.Property(x => x.Languages).HasMaxLength(64).HasDefaultValue("nl");
            u.Property(x => x.Projects).HasMaxLength(1000).HasDefaultValue(Storage.Projects.Default);
            u.Property(x => x.MustChangePassword).HasDefaultValue(false);
        });

        builder.Entity<CodeCheck>(c =>
        {
            c.ToTable("CodeChecks");
            c.HasKey(x => x.UserId);
            c.HasOne<ChatUser>().WithMany().HasForeignKey(x => x.UserId).OnDelete(DeleteBehavior.Cascade);
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
            f.Property(x => x.Urgent).HasMaxLength(16);
            f.HasIndex(x => new { x.ExpertId, x.OccurredAt });
            f.Property(x => x.Project).HasMaxLength(40).HasDefaultValue(Storage.Projects.Default);
            f.HasIndex(x => new { x.Project, x.OccurredAt });
            f.Property(x => x.Conversation).HasMaxLength(16);
            f.Property(x => x.ContactType).HasMaxLength(32);
            f.Property(x => x.ContactSeeker).HasMaxLength(32);
            f.Property(x => x.ReferralOther).HasMaxLength(100);
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
            d.Property(x => x.Safety).HasMaxLength(16);
            d.Property(x => x.Urgent).HasMaxLength(16);
            d.Property(x => x.ContactType).HasMaxLength(32);
            d.Property(x => x.Project).HasMaxLength(40).HasDefaultValue(Storage.Projects.Default);
            d.Property(x => x.OccurredAt).HasConversion(UnixSeconds);
            d.Property(x => x.EndedAt).HasConversion(UnixSeconds);
        });

        builder.Entity<Reply>(r =>
        {
            r.ToTable("Replies");
            r.HasKey(x => x.Id);
            r.Property(x => x.Title).HasMaxLength(RepliesApi.MaxTitle).IsRequired();
            r.Property(x => x.Text).HasMaxLength(RepliesApi.MaxText).IsRequired();
            r.Property(x => x.Language).HasMaxLength(8).IsRequired();
            r.Property(x => x.Project).HasMaxLength(40).HasDefaultValue(Storage.Projects.Default);
        });

        builder.Entity<Referral>(r =>
        {
            r.ToTable("Referrals");
            r.HasKey(x => x.Id);
            r.Property(x => x.Name).HasMaxLength(RepliesApi.MaxName).IsRequired();
            r.Property(x => x.Kind).HasMaxLength(32).IsRequired();
            r.Property(x => x.Phone).HasMaxLength(RepliesApi.MaxPhone).IsRequired();
            r.Property(x => x.Url).HasMaxLength(RepliesApi.MaxUrl).IsRequired();
            r.Property(x => x.Hours).HasMaxLength(RepliesApi.MaxHours).IsRequired();
            r.Property(x => x.Description).HasMaxLength(RepliesApi.MaxDescription).IsRequired();
            r.Property(x => x.Project).HasMaxLength(40).HasDefaultValue(Storage.Projects.Default);
        });

        builder.Entity<QueueHour>(q =>
        {
            q.ToTable("QueueHours");
            q.HasKey(x => new { x.Project, x.HourStart });
            q.Property(x => x.Project).HasMaxLength(40);
            q.Property(x => x.OverflowOut).HasDefaultValue(0);
            q.Property(x => x.OverflowIn).HasDefaultValue(0);
            q.Property(x => x.HourStart).ValueGeneratedNever();
        });

        builder.Entity<QueueWait>(q =>
        {
            q.ToTable("QueueWaits");
            q.HasKey(x => new { x.Project, x.HourStart, x.Bucket });
            q.Property(x => x.Project).HasMaxLength(40);
        });

        // Workload: chats an expert took (assigned or passed on to them), per hour, in the chat's project.
        builder.Entity<ChatsTakenHour>(q =>
        {
            q.ToTable("ChatsTakenHours");
            q.HasKey(x => new { x.Project, x.ExpertId, x.HourStart });
            q.Property(x => x.Project).HasMaxLength(40);
            q.Property(x => x.ExpertId).HasMaxLength(64);
        });

        // Triage: requests, answered and waits per tier (danger, waited, normal), per hour, per project.
        builder.Entity<TierHour>(q =>
        {
            q.ToTable("TierHours");
            q.HasKey(x => new { x.Project, x.HourStart, x.Priority });
            q.Property(x => x.Project).HasMaxLength(40);
            q.Property(x => x.Priority).HasMaxLength(16);
        });
        builder.Entity<TierWait>(q =>
        {
            q.ToTable("TierWaits");
            q.HasKey(x => new { x.Project, x.HourStart, x.Priority, x.Bucket });
            q.Property(x => x.Project).HasMaxLength(40);
            q.Property(x => x.Priority).HasMaxLength(16);
        });
        builder.Entity<Triage.TriageWordList>(l =>
        {
            l.ToTable("TriageWordLists");
            l.HasKey(x => new { x.Project, x.Language });
            l.Property(x => x.Project).HasMaxLength(40);
            l.Property(x => x.Language).HasMaxLength(8);
            l.Property(x => x.ChangedAt).HasConversion(UnixSeconds);
        });

        builder.Entity<Shift>(s =>
        {
            s.ToTable("Shifts");
            s.HasKey(x => x.Id);
            s.Property(x => x.ExpertId).HasMaxLength(64).IsRequired();
            s.HasIndex(x => new { x.ExpertId, x.EndedAt });
            s.HasIndex(x => x.StartedAt);
            s.Property(x => x.StartedAt).HasConversion(UnixSeconds);
            s.Property(x => x.EndedAt).HasConversion(NullableUnixSeconds);
            s.Property(x => x.LastSeenAt).HasConversion(UnixSeconds);
        });

        builder.Entity<PlannedShift>(s =>
        {
            s.ToTable("PlannedShifts");
            s.HasKey(x => x.Id);
            s.Property(x => x.ExpertId).HasMaxLength(64).IsRequired();
            s.HasIndex(x => new { x.ExpertId, x.Start });
            s.HasIndex(x => x.Start);
            s.Property(x => x.Start).HasConversion(UnixSeconds);
            s.Property(x => x.End).HasConversion(UnixSeconds);
            s.Property(x => x.Project).HasMaxLength(40).HasDefaultValue(Storage.Projects.Default);
        });

        builder.Entity<DebriefRequest>(d =>
        {
            d.ToTable("DebriefRequests");
            d.HasKey(x => x.Id);
            d.Property(x => x.ExpertId).HasMaxLength(64).IsRequired();
            d.Property(x => x.RequestedAt).HasConversion(UnixSeconds);
            d.Property(x => x.Project).HasMaxLength(40).HasDefaultValue(Storage.Projects.Default);
        });

        builder.Entity<FeedbackDay>(f =>
        {
            f.ToTable("FeedbackDays");
            f.HasKey(x => new { x.Project, x.Day });
            f.Property(x => x.Project).HasMaxLength(40);
            f.Property(x => x.Day).ValueGeneratedNever();
        });

        builder.Entity<ContactDayCount>(c =>
        {
            c.ToTable("ContactDayCounts");
            c.HasKey(x => new { x.Project, x.Day, x.Key });
            c.Property(x => x.Project).HasMaxLength(40);
            c.Property(x => x.Key).HasMaxLength(64);
        });

        builder.Entity<Setting>(s =>
        {
            s.ToTable("Settings");
            s.HasKey(x => x.Key);
            s.Property(x => x.Key).HasMaxLength(64);
            s.Property(x => x.Value).HasMaxLength(256);
        });

        MailboxModel.Configure(builder); // threads, letters (encrypted), counts: Mailbox/MailboxModel.cs

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
