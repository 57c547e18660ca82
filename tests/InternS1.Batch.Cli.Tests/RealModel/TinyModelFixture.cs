using InternS1.Batch.Cli.EmbeddedModel;

namespace InternS1.Batch.Cli.Tests.RealModel;

/// <summary>A tiny Intern-S1 checkpoint (real layout, real tokenizer, vision tower) written once per test class.</summary>
public sealed class TinyModelFixture : IAsyncLifetime
{
    public string Directory { get; } = System.IO.Directory.CreateTempSubdirectory("interns1-tiny-").FullName;

    public async Task InitializeAsync() => await EmbeddedModelStore.CreateAsync(Directory, dense: false, seed: 7);

    public Task DisposeAsync()
    {
        System.IO.Directory.Delete(Directory, recursive: true);
        return Task.CompletedTask;
    }
}
