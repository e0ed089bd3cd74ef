using System.Buffers.Binary;
using System.Globalization;
using System.Security.Cryptography;
using Chat.Server.Storage;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;

namespace Chat.Server.Accounts;

/// <summary>
/// Every check of a second-factor code (sign-in's code step through the API and the console, <c>/two-factor/enable</c>,
/// <c>/two-factor/disable</c>, recovery codes) goes through here and shares one limit per account, kept in the records
/// (every node sees it): <see cref="MaxWrongCodes"/> wrong codes lock further code checks of the account for
/// <see cref="LockTime"/>; a right code while locked is refused too. Only a caller who gave the account's password a
/// moment ago or holds its session gets here, so a stranger cannot lock anyone out; and the lock is on codes only,
/// never on the password step. An app code (TOTP, RFC 6238) is accepted only for a later 30-second step than the last
/// one accepted, also when two requests bring the same code at once (a conditional UPDATE decides).
/// </summary>
public sealed class SecondFactor(RecordsDbContext db, UserManager<ChatUser> users, TimeProvider time)
{
    public const int MaxWrongCodes = 5;
    public static readonly TimeSpan LockTime = TimeSpan.FromMinutes(15);

    /// <summary>Steps of 30 s either side of now that an app code may be for (a phone's clock a little off).</summary>
    private const int Window = 1;

    [Flags]
    public enum Kinds { App = 1, Recovery = 2, Either = App | Recovery }

    /// <param name="Accepted">The code was right (and, for an app code, for a step later than the last accepted one).</param>
    /// <param name="LockedFor">Not checked: the account's code checks are locked for this long.</param>
    public readonly record struct Result(bool Accepted, TimeSpan? LockedFor)
    {
        public bool Locked => LockedFor is not null;
    }

    /// <summary>Checks a code (as <see cref="TwoFactorApi.Normalise"/> gives it) against the account's limit.</summary>
    public async Task<Result> CheckAsync(ChatUser user, string code, Kinds kinds)
    {
        var id = user.Id;
        var now = time.GetUtcNow().ToUnixTimeSeconds();
        await db.Database.ExecuteSqlAsync(
            $"INSERT INTO \"CodeChecks\" (\"UserId\", \"Failures\", \"LockedUntil\", \"LastStep\") VALUES ({id}, 0, 0, 0) ON CONFLICT (\"UserId\") DO NOTHING");
        // Take one of the account's tries before looking at the code: requests at once cannot check more than the limit.
        var taken = await db.CodeChecks.Where(c => c.UserId == id && c.LockedUntil <= now && c.Failures < MaxWrongCodes)
            .ExecuteUpdateAsync(s => s.SetProperty(c => c.Failures, c => c.Failures + 1));
        if (taken == 0)
        {
            var until = await db.CodeChecks.Where(c => c.UserId == id).Select(c => c.LockedUntil).SingleAsync();
            // Locked, or the last tries are being checked by other requests this moment (then: again in a second).
            return new(false, TimeSpan.FromSeconds(Math.Max(1, until - now)));
        }

        var ok = (kinds.HasFlag(Kinds.App) && await IsNewAppCodeAsync(user, code, now))
                 || (kinds.HasFlag(Kinds.Recovery) && IsRecoveryCodeShape(code) && (await users.RedeemTwoFactorRecoveryCodeAsync(user, code)).Succeeded);
        if (ok)
        {
            await db.CodeChecks.Where(c => c.UserId == id).ExecuteUpdateAsync(s => s.SetProperty(c => c.Failures, 0));
            return new(true, null);
        }
        // The try stays counted; the one that reaches the limit locks the account's code checks.
        await db.CodeChecks.Where(c => c.UserId == id && c.Failures >= MaxWrongCodes)
            .ExecuteUpdateAsync(s => s.SetProperty(c => c.Failures, 0).SetProperty(c => c.LockedUntil, now + (long)LockTime.TotalSeconds));
        return new(false, null);
    }

    /// <summary>
    /// A new authenticator secret starts a new series of codes: the last accepted step of the old one no longer applies
    /// (someone who links a new app a moment after switching two-factor off is not told to wait for the next code).
    /// </summary>
    public Task ForgetLastStepAsync(ChatUser user)
    {
        var id = user.Id;
        return db.CodeChecks.Where(c => c.UserId == id).ExecuteUpdateAsync(s => s.SetProperty(c => c.LastStep, 0L));
    }

    private static bool IsRecoveryCodeShape(string code) => code.Length is > 6 and <= 32;

    /// <summary>A valid app code for a step within the window, and later than the last accepted step (which it becomes).</summary>
    private async Task<bool> IsNewAppCodeAsync(ChatUser user, string code, long now)
    {
        if (code.Length != 6 || !code.All(char.IsAsciiDigit)) return false;
        if (await users.GetAuthenticatorKeyAsync(user) is not { Length: > 0 } secret || FromBase32(secret) is not { Length: > 0 } key) return false;
        var current = now / 30;
        long? step = null;
        for (var s = current + Window; s >= current - Window && step is null; s--)
            if (CryptographicOperations.FixedTimeEquals(System.Text.Encoding.ASCII.GetBytes(Totp(key, s)), System.Text.Encoding.ASCII.GetBytes(code)))
                step = s;
        if (step is not { } matched) return false;
        var id = user.Id;
        return await db.CodeChecks.Where(c => c.UserId == id && c.LastStep < matched)
            .ExecuteUpdateAsync(s => s.SetProperty(c => c.LastStep, matched)) == 1;
    }

    /// <summary>RFC 6238 with HMAC-SHA1, 6 digits (what authenticator apps and Identity's authenticator provider use).</summary>
    public static string Totp(byte[] key, long step)
    {
        Span<byte> counter = stackalloc byte[8];
        BinaryPrimitives.WriteInt64BigEndian(counter, step);
        var hash = HMACSHA1.HashData(key, counter);
        var offset = hash[^1] & 0x0f;
        var binary = ((hash[offset] & 0x7f) << 24) | (hash[offset + 1] << 16) | (hash[offset + 2] << 8) | hash[offset + 3];
        return (binary % 1_000_000).ToString("D6", CultureInfo.InvariantCulture);
    }

    /// <summary>RFC 4648 base32 (Identity's authenticator keys); null when it is not.</summary>
    public static byte[]? FromBase32(string text)
    {
        const string alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
        var bytes = new List<byte>(text.Length * 5 / 8);
        int buffer = 0, bits = 0;
        foreach (var ch in text.TrimEnd('=').ToUpperInvariant())
        {
            var v = alphabet.IndexOf(ch);
            if (v < 0) return null;
            buffer = (buffer << 5) | v;
            bits += 5;
            if (bits >= 8)
            {
                bits -= 8;
                bytes.Add((byte)(buffer >> bits));
                buffer &= (1 << bits) - 1;
            }
        }
        return [.. bytes];
    }
}
