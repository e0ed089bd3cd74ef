using System.Text.Json;
using Chat.Server.Conversations;
using Chat.Server.Live;
using Chat.Server.Scaleout;
using Chat.Tests.Infrastructure;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Chat.Tests.Live;

[Collection(RedisCollection.Name)]
public sealed class RedisLiveStoreTests : LiveStoreContract, IDisposable
{
    private readonly RedisConnection _connection;

    public RedisLiveStoreTests(RedisServer redis)
    {
        _connection = new RedisConnection(redis.ConnectionString, NullLogger<RedisConnection>.Instance);
        Store = Create(_connection);
    }

    // Each test gets its own key prefix on the shared server.
    internal static RedisLiveStore Create(RedisConnection connection, string? prefix = null, int appendsInFlight = 1) => new(connection,
        Options.Create(new RedisOptions { KeyPrefix = prefix ?? $"t{Guid.NewGuid():n}:", AppendsInFlight = appendsInFlight }),
        NullLogger<RedisLiveStore>.Instance);

    protected override ILiveStore Store { get; }

    public void Dispose() => _connection.Dispose();
}

/// <summary>The same contract with two batches of appends on their way to Redis at once (Redis:AppendsInFlight = 2).</summary>
[Collection(RedisCollection.Name)]
public sealed class RedisLiveStorePipelinedTests : LiveStoreContract, IDisposable
{
    private readonly RedisConnection _connection;
    private readonly string _redis;

    public RedisLiveStorePipelinedTests(RedisServer redis)
    {
        _redis = redis.ConnectionString;
        _connection = new RedisConnection(redis.ConnectionString, NullLogger<RedisConnection>.Instance);
        Store = RedisLiveStoreTests.Create(_connection, appendsInFlight: 2);
    }

    protected override ILiveStore Store { get; }

    public void Dispose() => _connection.Dispose();

    [Theory]
    [InlineData("0")]
    [InlineData("5")]
    [InlineData("two")]
    public void AppendsInFlightOutsideOneToFourStopsTheStartWithItsName(string bad)
    {
        using var app = new ChatApp(new() { ["ConnectionStrings:Redis"] = _redis, ["Redis:AppendsInFlight"] = bad });
        var refused = Assert.ThrowsAny<Exception>(() => app.Server);
        Assert.Contains("AppendsInFlight", refused.ToString());
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public async Task EachSendersMessagesKeepTheirOrderThroughAScriptFlush(int appendsInFlight)
    {
        // Twenty chats, each visitor handing a hundred messages to the store one after another without waiting for the
        // replies (as the hub does once a send's place is fixed), all chats at once; Redis forgets its scripts every tenth round
        // (as after a restart: NOSCRIPT). Every message is stored once, in the order it was handed over.
        var store = RedisLiveStoreTests.Create(_connection, appendsInFlight: appendsInFlight);
        var t0 = DateTimeOffset.UtcNow;
        var chats = Enumerable.Range(0, 20).Select(i => $"p{i}").ToList();
        foreach (var id in chats)
            await store.AddQueuedAsync(new ChatSession
            {
                SessionId = id, ConversationId = "c-" + id, ResumeTokenHash = "h-" + id,
                Visitor = new VisitorProfile("unspecified", "any", null, null, "nl"), RequestedAt = t0,
            });
        var sends = new List<Task<AppendResult>>();
        for (var n = 1; n <= 100; n++)
        {
            foreach (var id in chats) sends.Add(store.AppendAsync("c-" + id, "visitor", $"m{n}", $"{id} {n}", t0.AddMilliseconds(n)));
            if (n % 10 == 5) await _connection.Multiplexer.GetServer(_connection.Multiplexer.GetEndPoints()[0]).ScriptFlushAsync();
        }
        await Task.WhenAll(sends);
        foreach (var id in chats)
            Assert.Equal(Enumerable.Range(1, 100).Select(n => $"{id} {n}"), (await store.GetMessagesAsync("c-" + id, 0)).Select(m => m.Text));
        Assert.All(sends, s => Assert.False(s.Result.Duplicate));
    }
}

internal sealed class StaticOptions<T>(T value) : IOptionsMonitor<T>
{
    public T CurrentValue => value;
    public T Get(string? name) => value;
    public IDisposable? OnChange(Action<T, string?> listener) => null;
}

[Collection(RedisCollection.Name)]
public sealed class RedisDurabilityTests(RedisServer redis)
{
    [Fact]
    public async Task QueueOrderAndConversationsSurviveARedisKillAndRestart()
    {
        var prefix = $"d{Guid.NewGuid():n}:";
        var t0 = DateTimeOffset.UtcNow;
        using (var connection = new RedisConnection(redis.ConnectionString, NullLogger<RedisConnection>.Instance))
        {
            var store = RedisLiveStoreTests.Create(connection, prefix);
            await store.UpsertPresenceAsync(new ExpertPresence
            {
                ExpertId = "e1", DisplayName = "Sanne", Experience = "victim", MaxChats = 1, Availability = "available",
                Connected = true, ChangedAt = t0,
            });
            foreach (var (id, s) in new[] { ("x", 3), ("y", 1), ("z", 2) })
                await store.AddQueuedAsync(new ChatSession
                {
                    SessionId = id, ConversationId = "c-" + id, ResumeTokenHash = "h-" + id,
                    Visitor = new VisitorProfile("unspecified", "any", null, null, "nl"), RequestedAt = t0.AddSeconds(s),
                });
            await store.TryAssignAsync("y", "e1", t0.AddSeconds(5));
            await store.AppendAsync("c-y", "visitor", "m1", "acknowledged before the crash", t0.AddSeconds(6));
        }

        await redis.KillAsync(); // kill -9: only what AOF (appendfsync always) wrote survives
        await redis.StartAsync();

        using var again = new RedisConnection(redis.ConnectionString, NullLogger<RedisConnection>.Instance);
        var restored = RedisLiveStoreTests.Create(again, prefix);
        Assert.Equal(["z", "x"], (await restored.GetQueueAsync()).Select(s => s.SessionId));
        var active = await restored.FindByConversationAsync("c-y");
        Assert.Equal(ChatState.Active, active!.State);
        Assert.Equal("e1", active.ExpertId);
        var messages = await restored.GetMessagesAsync("c-y", 0);
        Assert.Equal("acknowledged before the crash", Assert.Single(messages).Text);
        Assert.Equal(["y"], (await restored.GetPresenceAsync("e1"))!.ActiveChats);
    }
}

/// <summary>
/// How the Redis store keeps what its scripts decide on: a session's state and expert and an expert's presence are hash
/// fields a script reads directly (no script decodes or searches JSON); a key of the format before is treated as gone.
/// </summary>
[Collection(RedisCollection.Name)]
public sealed class RedisStorageTests(RedisServer redis) : IDisposable
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 30, 19, 0, 0, TimeSpan.Zero);
    private readonly RedisConnection _connection = new(redis.ConnectionString, NullLogger<RedisConnection>.Instance);
    private readonly string _prefix = $"f{Guid.NewGuid():n}:";
    private RedisKeys Keys => new(_prefix);

    private static ChatSession Session(string id) => new()
    {
        SessionId = id, ConversationId = "c-" + id, ResumeTokenHash = "h-" + id,
        Visitor = new VisitorProfile("victim", "any", null, "website", "nl"), RequestedAt = T0,
    };

    private static ExpertPresence Expert(string id) => new()
    {
        ExpertId = id, DisplayName = "E " + id, Experience = "victim", MaxChats = 2, Availability = "available", Connected = true, ChangedAt = T0,
    };

    private async Task<Dictionary<string, string>> FieldsAsync(StackExchange.Redis.RedisKey key) =>
        (await _connection.Db.HashGetAllAsync(key)).ToDictionary(e => (string)e.Name!, e => (string)e.Value!);

    [Fact]
    public async Task StateExpertAndPresenceAreHashFieldsAndTheSessionJsonHoldsNothingAScriptDecidesOn()
    {
        var store = RedisLiveStoreTests.Create(_connection, _prefix);
        await store.UpsertPresenceAsync(Expert("e1"));
        await store.AddQueuedAsync(Session("a"));
        var queued = await FieldsAsync(Keys.Session["a"]);
        Assert.Equal(("queued", T0.ToUnixTimeMilliseconds().ToString()), (queued["state"], queued["requestedAt"]));

        await store.TryAssignAsync("a", "e1", T0.AddMinutes(1));
        var active = await FieldsAsync(Keys.Session["a"]);
        Assert.Equal(("active", "e1"), (active["state"], active["expertId"]));
        var presence = await FieldsAsync(Keys.Expert["e1"]);
        Assert.Equal(("available", "1", "2"), (presence["availability"], presence["connected"], presence["maxChats"]));

        await store.DisconnectExpertAsync("e1", T0.AddMinutes(2));
        Assert.Equal("0", (await FieldsAsync(Keys.Expert["e1"]))["connected"]);
        await store.TryEndAsync("a", "visitor", T0.AddMinutes(3), LiveStoreContract.Grace);
        var ended = await FieldsAsync(Keys.Session["a"]);
        Assert.Equal(("ended", "visitor"), (ended["state"], ended["endedBy"]));
        // What stays JSON is what never changes: no state, no expert for a script to search.
        Assert.DoesNotContain("state", ended["record"], StringComparison.OrdinalIgnoreCase);
        // (A follow-up's preferred expert is the visitor's wish, fixed at the start, read by the matching in C#: not the
        // expert the chat is with, which is the hash field expertId.)
        Assert.DoesNotContain("expert", System.Text.RegularExpressions.Regex.Replace(ended["record"], "\"preferredExpertId\":(null|\"[^\"]*\")", ""),
            StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>A store with chat "a" (conversation "c-a") assigned to expert "e1" at T0.</summary>
    private async Task<RedisLiveStore> ActiveChatAsync()
    {
        var store = RedisLiveStoreTests.Create(_connection, _prefix);
        await store.UpsertPresenceAsync(Expert("e1"));
        await store.AddQueuedAsync(Session("a"));
        await store.TryAssignAsync("a", "e1", T0);
        return store;
    }

    [Fact]
    public async Task TheVisitorsCountPerMinuteIsKeptInTheSessionHashWithNoKeyOfItsOwn()
    {
        var store = await ActiveChatAsync();
        var limits = new MessageLimits(MaxMessages: 100, VisitorPerMinute: 2);
        var minute = T0.ToUnixTimeSeconds() / 60;
        await store.AppendAsync("c-a", "visitor", "v1", "x", T0, limits: limits);
        await store.AppendAsync("c-a", "expert", "e1", "x", T0, limits: limits); // an expert's message counts nothing
        await store.AppendAsync("c-a", "visitor", "v2", "x", T0, limits: limits);
        var fields = await FieldsAsync(Keys.Session["a"]);
        Assert.Equal((minute.ToString(), "2"), (fields["rateMinute"], fields["rateCount"]));
        await Assert.ThrowsAsync<MessageLimitException>(() => store.AppendAsync("c-a", "visitor", "v3", "x", T0.AddSeconds(30), limits: limits));
        Assert.Equal("2", (await FieldsAsync(Keys.Session["a"]))["rateCount"]); // a refusal counts nothing

        await store.AppendAsync("c-a", "visitor", "v3", "x", T0.AddMinutes(1), limits: limits);
        Assert.Equal(((minute + 1).ToString(), "1"), ((await FieldsAsync(Keys.Session["a"]))["rateMinute"], (await FieldsAsync(Keys.Session["a"]))["rateCount"]));
        Assert.False(await _connection.Db.KeyExistsAsync(Keys.MessageRate["c-a"]));
        Assert.Equal(ChatState.Active, (await store.GetSessionAsync("a"))!.State); // the extra fields leave the session as it was
    }

    [Fact]
    public async Task AMessageIsStoredAsTheJsonObjectAnOlderNodeReadsAndAnOlderNodesEntriesAreReadAndCounted()
    {
        var store = await ActiveChatAsync();
        // As a node before 2026-12-05 wrote its entry (cjson: any member order, "/" escaped, no card member).
        await _connection.Db.ListRightPushAsync(Keys.Log["c-a"],
            """{"text":"eerder \/ oud","from":"visitor","sentAt":"2026-11-30T19:00:00.0000000Z","seq":1,"clientMessageId":"old"}""");
        await _connection.Db.HashSetAsync(Keys.MessageIds["c-a"], "visitor:old", 1);

        const string text = "Hij zei: \"ik ben \\ boos\"\n</script>,\"seq\":99 é 🙂";
        var card = new ReferralCard("Veilig Thuis", "hulplijn", "0800-2000", "https://veiligthuis.nl", "24/7", "Advies \"en\" hulp");
        var sent = await store.AppendAsync("c-a", "expert", "e-1", text, T0.AddSeconds(5), card: card);
        var plain = await store.AppendAsync("c-a", "visitor", "v-1", "", T0.AddSeconds(6));
        Assert.Equal((2L, 3L), (sent.Message.Seq, plain.Message.Seq)); // the older node's entry counts

        var raw = (await _connection.Db.ListRangeAsync(Keys.Log["c-a"], 1, -1)).Select(v => (string)v!).ToList();
        using (var stored = JsonDocument.Parse(raw[0]))
        {
            Assert.Equal(["seq", "clientMessageId", "from", "text", "sentAt", "card"], stored.RootElement.EnumerateObject().Select(p => p.Name));
            Assert.Equal(2, stored.RootElement.GetProperty("seq").GetInt64());
            Assert.Equal(text, stored.RootElement.GetProperty("text").GetString());
            Assert.Equal("2026-11-30T19:00:05.0000000+00:00", stored.RootElement.GetProperty("sentAt").GetString());
            Assert.Equal(card, stored.RootElement.GetProperty("card").Deserialize<ReferralCard>(RedisLiveStore.Json));
        }
        using (var stored = JsonDocument.Parse(raw[1]))
            Assert.False(stored.RootElement.TryGetProperty("card", out _)); // no card: no member (as cjson wrote it)

        var all = await store.GetMessagesAsync("c-a", 0);
        Assert.Equal([1L, 2L, 3L], all.Select(m => m.Seq));
        Assert.Equal(("eerder / oud", "old", "visitor"), (all[0].Text, all[0].ClientMessageId, all[0].From));
        Assert.Equal(sent.Message, all[1] with { Card = sent.Message.Card });
        Assert.Equal(card, all[1].Card);
        Assert.Equal((text, T0.AddSeconds(5)), (all[1].Text, all[1].SentAt));
        Assert.Equal(plain.Message, all[2]);
        // A resend of the older node's message is its duplicate, read back as it was stored.
        var again = await store.AppendAsync("c-a", "visitor", "old", "eerder / oud", T0.AddSeconds(7));
        Assert.True(again.Duplicate);
        Assert.Equal(all[0], again.Message);
    }

    [Fact]
    public async Task KeysOfTheFormatBeforeHashesAreTreatedAsGone()
    {
        var db = _connection.Db;
        // As the store wrote them before: a session and a presence as JSON strings, in the queue and the index.
        var old = Session("old") with { State = ChatState.Active, ExpertId = "e", ExpertDisplayName = "E e", ExpertExperience = "victim", StartedAt = T0 };
        await db.StringSetAsync(Keys.Session["old"], JsonSerializer.Serialize(old, RedisLiveStore.Json));
        await db.StringSetAsync(Keys.Session["waiting"], JsonSerializer.Serialize(Session("waiting"), RedisLiveStore.Json));
        await db.SortedSetAddAsync(Keys.Queue, "waiting", T0.ToUnixTimeMilliseconds());
        await db.StringSetAsync(Keys.Conversation["c-old"], "old");
        await db.StringSetAsync(Keys.ResumeToken["h-old"], "old");
        await db.SetAddAsync(Keys.ExpertChats["e"], "old");
        await db.StringSetAsync(Keys.Expert["e"], """
            {"expertId":"e","displayName":"E e","experience":"victim","maxChats":2,"availability":"available","connected":true,
             "changedAt":"2026-11-30T19:00:00.0000000+00:00","lastAssignedAt":"2026-11-30T19:00:00.0000000+00:00","gender":"woman","languages":"nl"}
            """);
        await db.SetAddAsync(Keys.Experts, "e");

        var store = RedisLiveStoreTests.Create(_connection, _prefix);
        Assert.Null(await store.GetSessionAsync("old"));
        Assert.Null(await store.FindByConversationAsync("c-old"));
        Assert.Null(await store.FindByResumeTokenHashAsync("h-old"));
        Assert.Empty(await store.GetQueueAsync());
        await Assert.ThrowsAsync<KeyNotFoundException>(() => store.AppendAsync("c-old", "visitor", "m1", "x", T0));
        Assert.Null(await store.TryRequeueAsync("old"));
        Assert.Null(await store.TryEndAsync("old", "visitor", T0, LiveStoreContract.Grace));
        Assert.False(await store.TryMarkFeedbackAsync("old"));
        Assert.Empty(await store.GetPresencesAsync());
        Assert.Equal(new PresenceUpdate(null, null), await store.DisconnectExpertAsync("e", T0));

        // Whoever comes back starts afresh.
        var (before, after) = await store.ConnectExpertAsync(Expert("e"), T0.AddMinutes(1));
        Assert.Null(before);
        Assert.True(after!.Connected);
        await store.SetAvailabilityAsync(Expert("e"), "available", T0.AddMinutes(1));
        Assert.Equal(QueueAdmission.Added, await store.AddQueuedAsync(Session("waiting")));
        Assert.Equal(AssignOutcome.Assigned, await store.TryAssignAsync("waiting", "e", T0.AddMinutes(2)));

        // An append meeting such a session first (no other script has read it): refused as unknown, the key deleted.
        await db.StringSetAsync(Keys.Session["old2"], JsonSerializer.Serialize(old with { SessionId = "old2" }, RedisLiveStore.Json));
        await db.StringSetAsync(Keys.Conversation["c-old2"], "old2");
        await Assert.ThrowsAsync<KeyNotFoundException>(() => store.AppendAsync("c-old2", "visitor", "m1", "x", T0));
        Assert.False(await db.KeyExistsAsync(Keys.Session["old2"]));
        Assert.Equal(0, await db.ListLengthAsync(Keys.Log["c-old2"]));
    }

    [Fact]
    public async Task AtStartTheOldFormatsChatsLeaveWithTheirMessageLogs()
    {
        var db = _connection.Db;
        // A chat running when the nodes were upgraded: session as a JSON string, its log and ids with no expiry.
        var old = Session("old") with { State = ChatState.Active, ExpertId = "e", StartedAt = T0 };
        await db.StringSetAsync(Keys.Session["old"], JsonSerializer.Serialize(old, RedisLiveStore.Json));
        await db.StringSetAsync(Keys.Conversation["c-old"], "old");
        await db.StringSetAsync(Keys.ResumeToken["h-old"], "old");
        await db.ListRightPushAsync(Keys.Log["c-old"], """{"seq":1,"text":"Hij slaat me soms."}""");
        await db.HashSetAsync(Keys.MessageIds["c-old"], "visitor:m1", 1);
        await db.SortedSetAddAsync(Keys.Queue, "old", T0.ToUnixTimeMilliseconds());
        await db.StringSetAsync(Keys.Expert["e"], """{"expertId":"e"}""");
        // And one of the new format, which stays.
        var store = RedisLiveStoreTests.Create(_connection, _prefix);
        await store.AddQueuedAsync(Session("new"));

        var upgrade = new LiveFormatUpgrade(_connection, Microsoft.Extensions.Options.Options.Create(new RedisOptions { KeyPrefix = _prefix }),
            NullLogger<LiveFormatUpgrade>.Instance);
        Assert.Equal(2, await upgrade.DropOldFormatAsync());

        foreach (var key in new[] { Keys.Session["old"], Keys.Conversation["c-old"], Keys.ResumeToken["h-old"], Keys.Log["c-old"],
                     Keys.MessageIds["c-old"], Keys.Expert["e"] })
            Assert.False(await db.KeyExistsAsync(key), $"{key} is gone");
        Assert.Equal(["new"], (await store.GetQueueAsync()).Select(s => s.SessionId));
        Assert.Equal(0, await upgrade.DropOldFormatAsync()); // nothing left the second time
    }

    public void Dispose() => _connection.Dispose();
}
