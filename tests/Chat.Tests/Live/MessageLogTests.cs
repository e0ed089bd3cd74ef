using Chat.Server.Live;

namespace Chat.Tests.Live;

/// <summary>The embedded mode's message log (UTF-8 in pinned chunks): what goes in comes out, in order, and is found by its id.</summary>
public sealed class MessageLogTests
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 4, 10, 0, 0, TimeSpan.Zero);

    [Fact]
    public void EveryMessageComesBackAsStoredAcrossManyChunks()
    {
        var log = new MessageLog();
        var stored = new List<ChatMessage>();
        for (var i = 0; i < 3000; i++)
        {
            var from = (i % 3) switch { 0 => Senders.Visitor, 1 => Senders.Expert, _ => Senders.System };
            // Accents, emoji and Dutch ligatures take 2-4 bytes in UTF-8; every 500th message is longer than a chunk.
            var text = i % 500 == 7 ? new string('ë', 9000) + "🙂" : $"Bericht {i}: één keer ĳs en 🙂 ({new string('x', i % 200)})";
            stored.Add(log.Append($"id-{i}", from, text, T0.AddSeconds(i).ToOffset(TimeSpan.FromHours(i % 2)), null));
        }
        Assert.Equal(3000, log.Count);
        Assert.Equal(Enumerable.Range(1, 3000).Select(i => (long)i), stored.Select(m => m.Seq));
        Assert.Equal(stored, log.From(0));
        Assert.Equal(stored.Skip(2990), log.From(2990));
        Assert.Empty(log.From(3000));
        Assert.Equal(TimeSpan.FromHours(1), log.From(0)[1].SentAt.Offset);
    }

    [Fact]
    public void AMessageIsFoundByItsSenderAndIdOnly()
    {
        var log = new MessageLog();
        var card = new ReferralCard("Veilig Thuis", "advice", "0800-2000", "https://veiligthuis.nl", "dag en nacht", "Advies en meldpunt");
        for (var i = 0; i < 1000; i++) log.Append($"m{i}", Senders.Visitor, $"tekst {i}", T0, null);
        var withCard = log.Append("kaart-1", Senders.Expert, "Veilig Thuis: 0800-2000", T0, card);
        var other = log.Append("m5", "bot", "een andere afzender met dezelfde id", T0, null);

        Assert.Equal(6, log.Find(Senders.Visitor, "m5")!.Seq);
        Assert.Equal("tekst 5", log.Find(Senders.Visitor, "m5")!.Text);
        Assert.Equal(other, log.Find("bot", "m5"));
        Assert.Null(log.Find(Senders.Expert, "m5"));
        Assert.Null(log.Find(Senders.Visitor, "m1000"));
        Assert.Null(log.Find("nobody", "m5"));
        Assert.Equal(withCard, log.Find(Senders.Expert, "kaart-1"));
        Assert.Same(card, log.From(1000)[0].Card);
        Assert.Null(log.From(999)[0].Card);
        // A long id (more than the stack buffer) and an id that differs only past its hash's reach still match exactly.
        var longId = new string('é', 200);
        log.Append(longId, Senders.Visitor, "lang", T0, null);
        Assert.Equal("lang", log.Find(Senders.Visitor, longId)!.Text);
        Assert.Null(log.Find(Senders.Visitor, longId[..^1] + "e"));
    }
}
