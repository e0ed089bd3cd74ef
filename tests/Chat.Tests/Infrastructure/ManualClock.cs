namespace Chat.Tests.Infrastructure;

/// <summary>A clock the test moves by hand. Timers still run on real time (the sweeper is called directly in tests).</summary>
public sealed class ManualClock(DateTimeOffset start) : TimeProvider
{
    private DateTimeOffset _now = start;
    private readonly Lock _gate = new();

    public override DateTimeOffset GetUtcNow() { lock (_gate) return _now; }
    public void Advance(TimeSpan by) { lock (_gate) _now += by; }
}
