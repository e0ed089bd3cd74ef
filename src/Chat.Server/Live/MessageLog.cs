using System.Runtime.InteropServices;
using System.Text;

namespace Chat.Server.Live;

/// <summary>
/// The messages of one conversation in the embedded mode, kept where the garbage collector has nothing to trace or
/// copy: the texts as UTF-8 in pinned chunks of up to 16 KB (the pinned-object heap: never moved), each message's place and
/// fields in an array of plain structs, the index by client message id in a dictionary of integers. A
/// <see cref="ChatMessage"/> is made when one is read.
/// </summary>
/// <remarks>
/// Why: kept as objects (a record, two strings and an index key per message), every stored message survives the
/// collection after it and is copied twice before it settles; at the benchmark's half load that made gen0 pauses of
/// 20-45 ms and gen1 pauses of 70-110 ms, and the embedded mode's p99 was ~4x the bare relay's (1.2x with nothing kept).
/// Not thread-safe: the store's lock guards it.
/// </remarks>
internal sealed class MessageLog
{
    private const int ChunkSize = 16 * 1024;
    private const int FirstChunkSize = 512;
    private static readonly string[] KnownSenders = [Senders.Visitor, Senders.Expert, Senders.System];

    private readonly List<byte[]> _chunks = [];
    private int _used;
    private Entry[] _entries = new Entry[16];
    // Randomised 32-bit hash of (sender, client id) -> the newest entry with that hash; older ones are chained through
    // Entry.Next. Every hit is checked byte for byte, so a collision (or a crafted one) never answers the wrong message.
    private readonly Dictionary<int, int> _byClientId = new();
    private List<string>? _otherSenders;
    private Dictionary<int, ReferralCard>? _cards;

    private readonly record struct Entry(int Chunk, int Offset, int IdBytes, int TextBytes, long UtcTicks, short OffsetMinutes, byte From, int Next);

    public int Count { get; private set; }

    /// <summary>Stores a message as the next one (its seq is <see cref="Count"/> + 1 after the call) and returns it.</summary>
    public ChatMessage Append(string clientMessageId, string from, string text, DateTimeOffset at, ReferralCard? card)
    {
        var idBytes = Encoding.UTF8.GetByteCount(clientMessageId);
        var textBytes = Encoding.UTF8.GetByteCount(text);
        var need = idBytes + textBytes;
        if (_chunks.Count == 0 || need > _chunks[^1].Length - _used)
        {
            // Chunks grow from 512 bytes to 16 KB: a short chat (most are) holds little, a long one few chunks.
            var size = _chunks.Count == 0 ? FirstChunkSize : Math.Min(ChunkSize, _chunks[^1].Length * 2);
            _chunks.Add(GC.AllocateUninitializedArray<byte>(Math.Max(size, need), pinned: true));
            _used = 0;
        }
        var chunk = _chunks[^1];
        Encoding.UTF8.GetBytes(clientMessageId, chunk.AsSpan(_used, idBytes));
        Encoding.UTF8.GetBytes(text, chunk.AsSpan(_used + idBytes, textBytes));

        var sender = SenderCode(from);
        var hash = Hash(sender, clientMessageId);
        if (Count == _entries.Length) Array.Resize(ref _entries, Count * 2);
        _entries[Count] = new Entry(_chunks.Count - 1, _used, idBytes, textBytes, at.UtcTicks, (short)at.Offset.TotalMinutes, sender,
            _byClientId.TryGetValue(hash, out var older) ? older : -1);
        _byClientId[hash] = Count;
        _used += need;
        if (card is not null) (_cards ??= [])[Count] = card;
        Count++;
        return new ChatMessage(Count, clientMessageId, from, text, at, card);
    }

    /// <summary>The stored message with this sender and client message id, if there is one.</summary>
    public ChatMessage? Find(string from, string clientMessageId)
    {
        var sender = SenderCode(from, add: false);
        if (sender == byte.MaxValue || !_byClientId.TryGetValue(Hash(sender, clientMessageId), out var i)) return null;
        var length = Encoding.UTF8.GetByteCount(clientMessageId);
        Span<byte> wanted = length <= 256 ? stackalloc byte[256] : new byte[length];
        wanted = wanted[..Encoding.UTF8.GetBytes(clientMessageId, wanted)];
        for (; i >= 0; i = _entries[i].Next)
        {
            var e = _entries[i];
            if (e.From == sender && _chunks[e.Chunk].AsSpan(e.Offset, e.IdBytes).SequenceEqual(wanted)) return Read(i);
        }
        return null;
    }

    /// <summary>The messages after the first <paramref name="start"/>, in order.</summary>
    public List<ChatMessage> From(int start)
    {
        var list = new List<ChatMessage>(Math.Max(0, Count - start));
        for (var i = Math.Max(0, start); i < Count; i++) list.Add(Read(i));
        return list;
    }

    private ChatMessage Read(int i)
    {
        var e = _entries[i];
        var bytes = _chunks[e.Chunk].AsSpan(e.Offset, e.IdBytes + e.TextBytes);
        return new ChatMessage(i + 1, Encoding.UTF8.GetString(bytes[..e.IdBytes]), SenderName(e.From), Encoding.UTF8.GetString(bytes[e.IdBytes..]),
            new DateTimeOffset(e.UtcTicks, TimeSpan.Zero).ToOffset(TimeSpan.FromMinutes(e.OffsetMinutes)), _cards?.GetValueOrDefault(i));
    }

    private byte SenderCode(string from, bool add = true)
    {
        var known = Array.IndexOf(KnownSenders, from);
        if (known >= 0) return (byte)known;
        var other = _otherSenders?.IndexOf(from) ?? -1;
        if (other >= 0) return (byte)(KnownSenders.Length + other);
        if (!add) return byte.MaxValue;
        if ((_otherSenders?.Count ?? 0) + KnownSenders.Length >= byte.MaxValue) throw new ArgumentException("Too many kinds of sender.", nameof(from));
        (_otherSenders ??= []).Add(from);
        return (byte)(KnownSenders.Length + _otherSenders.Count - 1);
    }

    private string SenderName(byte code) => code < KnownSenders.Length ? KnownSenders[code] : _otherSenders![code - KnownSenders.Length];

    private static int Hash(byte sender, string clientMessageId)
    {
        var h = new HashCode(); // seeded at random per process
        h.Add(sender);
        h.AddBytes(MemoryMarshal.AsBytes(clientMessageId.AsSpan()));
        return h.ToHashCode();
    }
}
