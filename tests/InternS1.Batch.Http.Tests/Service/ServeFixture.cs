using InternS1.Batch.Http.Tests.Infrastructure;

namespace InternS1.Batch.Http.Tests.Service;

/// <summary>One endpoint (<c>interns1 serve</c>'s composition) for the client and error tests: an API key, a context of
/// 2,048 tokens, inline media up to 200,000 bytes.</summary>
public sealed class ServeFixture : IAsyncLifetime
{
    public ServeHost Host { get; private set; } = null!;

    public async Task InitializeAsync() => Host = await ServeHost.StartAsync("t_serve", new Dictionary<string, string?>
    {
        ["Engine:MaxModelLength"] = "2048",
        ["Media:MaxInlineBytes"] = "200000",
    });

    public async Task DisposeAsync() => await Host.DisposeAsync();
}

[CollectionDefinition(Name)]
public sealed class ServeCollection : ICollectionFixture<ServeFixture>
{
    public const string Name = "serve endpoint";
}
