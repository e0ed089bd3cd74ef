using System.Security.Cryptography;
using System.Text;

namespace Chat.Server.Conversations;

/// <summary>
/// A visitor's resume token: the only key back into a chat (after a reload or a lost connection). The visitor keeps the
/// token (sessionStorage); the store keeps only its hash, so no stored key can be used to take over a chat.
/// </summary>
public static class ResumeTokens
{
    /// <summary>A new token and the hash to store for it.</summary>
    public static (string Token, string Hash) Issue()
    {
        var token = RandomId(32);
        return (token, Hash(token));
    }

    public static string Hash(string token) => Base64Url(SHA256.HashData(Encoding.UTF8.GetBytes(token)));

    /// <summary>A random id of <paramref name="bytes"/> bytes, URL-safe (session, conversation and block ids).</summary>
    public static string RandomId(int bytes) => Base64Url(RandomNumberGenerator.GetBytes(bytes));

    private static string Base64Url(byte[] b) => Convert.ToBase64String(b).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
