using Chat.Server.Statistics;
using Chat.Server.Storage;
using Microsoft.EntityFrameworkCore;

namespace Chat.Server.Replies;

/// <summary>
/// First start only (a marker in Settings): the referral cards every project needs, and in Development a few Dutch replies.
/// The coordinator's edits and deletions stick: an emptied list is not filled again.
/// </summary>
public sealed class RepliesSeeder(RecordsDbContext db, IHostEnvironment env, ILogger<RepliesSeeder> logger)
{
    private const string ReferralsSeeded = "seeded:referrals", RepliesSeeded = "seeded:replies";

    public async Task SeedAsync(CancellationToken ct = default)
    {
        if (await FirstTimeAsync(ReferralsSeeded, ct))
        {
            if (!await db.Referrals.AnyAsync(ct))
            {
                db.Referrals.AddRange(
                    new Referral
                    {
                        Name = "Veilig Thuis", Kind = "veilig-thuis", Phone = "0800-2000", Url = "https://veiligthuis.nl", Hours = "24/7",
                        Description = "Advies en hulp bij huiselijk geweld en kindermishandeling. Gratis en anoniem bellen kan.",
                    },
                    new Referral
                    {
                        Name = "Slachtofferhulp Nederland", Kind = "victim-support", Phone = "0900-0101", Url = "https://www.slachtofferhulp.nl",
                        Description = "Gratis praktische, juridische en emotionele hulp voor slachtoffers.",
                    });
                logger.LogInformation("Seeded the referral cards");
            }
            await db.SaveChangesAsync(ct);
        }
        if (env.IsDevelopment() && await FirstTimeAsync(RepliesSeeded, ct))
        {
            if (!await db.Replies.AnyAsync(ct))
                db.Replies.AddRange(
                    new Reply { Title = "Welkom", Text = "Hoi, fijn dat je er bent. Ik ben ervaringsdeskundige en heb tijd voor je. Waar wil je het over hebben?" },
                    new Reply { Title = "Neem je tijd", Text = "Neem gerust je tijd. Je hoeft hier niets, en je hoeft niet alles in één keer te vertellen." },
                    new Reply { Title = "Veiligheid", Text = "Ben je nu veilig? Bij acuut gevaar bel je 112." },
                    new Reply { Title = "Afsluiten", Text = "Dank je wel voor je vertrouwen. Je kunt altijd terugkomen; we zijn er elke dag een paar uur." },
                    new Reply { Title = "Welcome", Text = "Hi, good that you are here. I have been through this myself and I have time for you.", Language = "en" });
            await db.SaveChangesAsync(ct);
        }
    }

    /// <summary>Marks the seed as done (in the same save as the seed); true when it was not yet.</summary>
    private async Task<bool> FirstTimeAsync(string key, CancellationToken ct)
    {
        if (await db.Settings.AnyAsync(s => s.Key == key, ct)) return false;
        db.Settings.Add(new Setting { Key = key, Value = DateTimeOffset.UtcNow.ToString("yyyy-MM-dd") });
        return true;
    }
}
