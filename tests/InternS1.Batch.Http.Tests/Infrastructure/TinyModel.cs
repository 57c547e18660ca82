using InternS1.Batch.Cli.EmbeddedModel;

namespace InternS1.Batch.Http.Tests.Infrastructure;

/// <summary>One tiny Intern-S1 checkpoint (real layout, real tokenizer, vision tower) for every test of this assembly,
/// written on first use and deleted when the test process ends.</summary>
public static class TinyModel
{
    private static readonly Lazy<Task<string>> Folder = new(async () =>
    {
        var dir = Directory.CreateTempSubdirectory("interns1-serve-tiny-").FullName;
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            try { Directory.Delete(dir, recursive: true); } catch (IOException) { }
        };
        await EmbeddedModelStore.CreateAsync(dir, dense: false, seed: 7);
        return dir;
    });

    /// <summary>The checkpoint's folder.</summary>
    public static Task<string> DirectoryAsync() => Folder.Value;
}
