using System.Runtime.InteropServices;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Chat.Server.Conversations;

/// <summary>
/// An event's argument encoded once as the hubs' JSON, written as it is wherever it goes next: to each hub that
/// delivers it (a message goes to the visitor hub and the expert hub, each of which would otherwise encode it again)
/// and, in Redis mode, into the frame for the other nodes, who hand the same bytes to their hubs without decoding them.
/// The bytes are made with the JSON hub protocol's own default options (the hubs do not change them: camelCase, and an
/// encoder that leaves accents and quotes-as-characters readable), so a client receives exactly what SignalR would have
/// written; <c>EncodedPayloadTests</c> holds the two side by side.
/// </summary>
[JsonConverter(typeof(Converter))]
public sealed class EncodedPayload
{
    private readonly byte[] _utf8;

    private EncodedPayload(byte[] utf8) => _utf8 = utf8;

    public ReadOnlySpan<byte> Utf8 => _utf8;

    /// <summary>What SignalR's JSON hub protocol serialises arguments with when it is not configured (as here).</summary>
    private static readonly JsonSerializerOptions HubJson = new Microsoft.AspNetCore.SignalR.JsonHubProtocolOptions().PayloadSerializerOptions;

    /// <summary>The payload encoded (an encoded one as it is).</summary>
    public static EncodedPayload Of(object payload) =>
        payload as EncodedPayload ?? new(JsonSerializer.SerializeToUtf8Bytes(payload, payload.GetType(), HubJson));

    private sealed class Converter : JsonConverter<EncodedPayload>
    {
        public override EncodedPayload Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
        {
            // The value's own bytes, as they stand in the frame: checked as JSON by the parse, never decoded into objects.
            using var value = JsonDocument.ParseValue(ref reader);
            return new(JsonMarshal.GetRawUtf8Value(value.RootElement).ToArray());
        }

        public override void Write(Utf8JsonWriter writer, EncodedPayload value, JsonSerializerOptions options) =>
            writer.WriteRawValue(value._utf8, skipInputValidation: true);
    }
}
