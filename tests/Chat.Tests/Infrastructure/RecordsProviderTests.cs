namespace Chat.Tests.Infrastructure;

/// <summary>
/// A suite that runs once per records provider: on SQLite as it is, on PostgreSQL in a subclass that overrides
/// <see cref="CreateAppAsync"/> (see the end of each suite's file).
/// </summary>
public abstract class RecordsProviderTests : IAsyncLifetime
{
    protected ChatApp App { get; private set; } = null!;

    protected virtual Task<ChatApp> CreateAppAsync() => Task.FromResult(new ChatApp());

    public virtual async Task InitializeAsync() => App = await CreateAppAsync();

    public async Task DisposeAsync() => await App.DisposeAsync();
}
