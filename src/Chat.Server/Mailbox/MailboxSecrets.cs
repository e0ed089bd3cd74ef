using System.Security.Cryptography;
using System.Text;
using Chat.Server.Statistics;
using Chat.Server.Storage;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;

namespace Chat.Server.Mailbox;

/// <summary>
/// The mailbox's two secrets. Letters, answers and notes are protected with Data Protection (purpose <c>mailbox</c>)
/// before they reach the records. Codes are kept only as HMAC-SHA256 under <c>Mailbox:CodeKey</c>: 32 random bytes made
/// by the first node that needs them, kept in the records' Settings (so every node has the same), themselves protected
/// with Data Protection. The key never rotates: a rotated key would lose every thread.
/// </summary>
public sealed class MailboxSecrets(IDataProtectionProvider protection, IServiceScopeFactory scopes)
{
    public const string CodeKeySetting = "Mailbox:CodeKey";
    private readonly IDataProtector _texts = protection.CreateProtector("mailbox");
    private readonly IDataProtector _key = protection.CreateProtector("mailbox", "code-key");
    private readonly SemaphoreSlim _gate = new(1, 1);
    private byte[]? _codeKey;

    public string Protect(string text) => _texts.Protect(text);
    public string Unprotect(string cipher) => _texts.Unprotect(cipher);

    /// <summary>The keyed hash of a normalised code (see <see cref="MailboxCode.Normalise"/>).</summary>
    public async Task<string> HashAsync(string normalisedCode, CancellationToken ct = default) =>
        Convert.ToBase64String(HMACSHA256.HashData(await CodeKeyAsync(ct), Encoding.ASCII.GetBytes(normalisedCode)));

    private async Task<byte[]> CodeKeyAsync(CancellationToken ct)
    {
        if (_codeKey is { } known) return known;
        await _gate.WaitAsync(ct);
        try
        {
            if (_codeKey is { } again) return again;
            await using var scope = scopes.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<RecordsDbContext>();
            var stored = await db.Settings.AsNoTracking().FirstOrDefaultAsync(s => s.Key == CodeKeySetting, ct);
            if (stored is null)
            {
                db.Settings.Add(new Setting { Key = CodeKeySetting, Value = _key.Protect(Convert.ToBase64String(RandomNumberGenerator.GetBytes(32))) });
                try
                {
                    await db.SaveChangesAsync(ct);
                }
                catch (DbUpdateException)
                {
                    // Another node made it at the same moment: theirs holds.
                }
                db.ChangeTracker.Clear();
                stored = await db.Settings.AsNoTracking().FirstAsync(s => s.Key == CodeKeySetting, ct);
            }
            return _codeKey = Convert.FromBase64String(_key.Unprotect(stored.Value));
        }
        finally
        {
            _gate.Release();
        }
    }
}
