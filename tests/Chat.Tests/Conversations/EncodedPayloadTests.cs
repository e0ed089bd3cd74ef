using System.Buffers;
using System.Text;
using System.Text.Json;
using Chat.Server.Conversations;
using Chat.Server.Live;
using Microsoft.AspNetCore.SignalR.Protocol;

namespace Chat.Tests.Conversations;

/// <summary>
/// An event encoded once (<see cref="EncodedPayload"/>) reaches a client as the very bytes SignalR's JSON hub protocol
/// writes for the event itself, and crosses a Redis frame unchanged.
/// </summary>
public sealed class EncodedPayloadTests
{
    private static readonly DateTimeOffset At = new(2026, 12, 4, 14, 5, 6, 789, TimeSpan.Zero);

    public static TheoryData<object> Events() =>
    [
        new MessageDto("c-1", 42, "m-1", "visitor", "Hé, \"ik\" <b>durf</b> het niet te zeggen 🙂\nnieuwe regel & meer", At),
        new MessageDto("c-1", 43, "card-1", "expert", "Veilig Thuis: 0800-2000", At.AddHours(2),
            new ReferralCard("Veilig Thuis", "advice", "0800-2000", "https://veiligthuis.nl", "24/7", "Advies en meldpunt")),
        new ChatAssigned("c-2", new VisitorInfo("other", "any", null, null, "nl", 75, Urgent: new UrgentInfo("answer")), At,
            [new MessageDto("c-2", 1, "m", "visitor", "hallo", At)]),
        new ChatEnded("c-3", "expert", DurationSeconds: null, CoolDownUntil: At),
        new QueueUpdated(3, null, Urgent: true),
        new QueueChanged(0, 0),
    ];

    [Theory]
    [MemberData(nameof(Events))]
    public void AClientReceivesTheSameBytesAsForTheEventItself(object payload)
    {
        Assert.Equal(Written(payload), Written(EncodedPayload.Of(payload)));
    }

    [Theory]
    [MemberData(nameof(Events))]
    public void ThePayloadCrossesAFrameUnchanged(object payload)
    {
        var encoded = EncodedPayload.Of(payload);
        // As RedisFanout frames events and reads them back: the frame's bytes deserialized, the payload never decoded.
        var frame = JsonSerializer.SerializeToUtf8Bytes(new[] { new Framed("MessageReceived", encoded) }, LocalFanout.Json);
        var back = Assert.Single(JsonSerializer.Deserialize<Framed[]>(frame, LocalFanout.Json)!).P;
        Assert.Equal(encoded.Utf8.ToArray(), back.Utf8.ToArray());
        Assert.Equal(Written(payload), Written(back));
        Assert.Same(encoded, EncodedPayload.Of(encoded)); // never encoded twice
    }

    [Fact]
    public void AFrameWhosePayloadIsNotJsonIsRefused()
    {
        Assert.ThrowsAny<JsonException>(() => JsonSerializer.Deserialize<EncodedPayload>("{\"a\":"u8, LocalFanout.Json));
    }

    private sealed record Framed(string M, EncodedPayload P);

    /// <summary>What SignalR's JSON protocol (the hubs' default options) puts on the wire for one event.</summary>
    private static string Written(object argument)
    {
        var buffer = new ArrayBufferWriter<byte>();
        new JsonHubProtocol().WriteMessage(new InvocationMessage("MessageReceived", [argument]), buffer);
        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }
}
