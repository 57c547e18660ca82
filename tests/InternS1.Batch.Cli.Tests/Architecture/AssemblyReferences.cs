using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;

namespace InternS1.Batch.Cli.Tests.Architecture;

/// <summary>
/// The assembly references that the compiler recorded in each product assembly's metadata (an assembly
/// is listed only when code in it uses one of its types), read from the files next to the tests without
/// loading them: no static constructor runs, so TorchSharp never initialises libtorch here.
/// </summary>
public static class AssemblyReferences
{
    /// <summary>The product assemblies (file names without .dll) and the project each comes from.</summary>
    public static readonly IReadOnlyDictionary<string, string> Product = new Dictionary<string, string>
    {
        ["InternS1.Text"] = "src/InternS1.Text",
        ["InternS1.Media"] = "src/InternS1.Media",
        ["InternS1.Engine"] = "src/InternS1.Engine",
        ["InternS1.Engine.Torch"] = "src/InternS1.Engine.Torch",
        ["InternS1.Batch.Contracts"] = "src/InternS1.Batch.Contracts",
        ["InternS1.Batch.Storage"] = "src/InternS1.Batch.Storage",
        ["InternS1.Batch.Migrations"] = "migrations/InternS1.Batch.Migrations",
        ["InternS1.Batch.Worker"] = "src/InternS1.Batch.Worker",
        ["InternS1.Batch.Remote"] = "src/InternS1.Batch.Remote",
        ["InternS1.Batch.Http"] = "src/InternS1.Batch.Http",
        ["InternS1.Batch.Benchmarks"] = "src/InternS1.Batch.Benchmarks",
        ["interns1"] = "src/InternS1.Batch.Cli",
    };

    /// <summary>Test support that ends up next to the tests without being product code: the fake OpenAI-compatible
    /// server (tests/InternS1.Batch.FakeOpenAi), which <c>bench remote</c> drives as its stand-in for a GPU server.</summary>
    public static readonly IReadOnlyList<string> TestSupport = ["InternS1.Batch.FakeOpenAi"];

    /// <summary>The names of the assemblies <paramref name="assembly"/> references (e.g. <c>TorchSharp</c>).</summary>
    public static IReadOnlyList<string> Of(string assembly)
    {
        var path = Path.Combine(AppContext.BaseDirectory, assembly + ".dll");
        Assert.True(File.Exists(path), $"{path} is missing: does the test project still reference every product project?");
        using var stream = File.OpenRead(path);
        using var pe = new PEReader(stream);
        var metadata = pe.GetMetadataReader();
        return metadata.AssemblyReferences.Select(h => metadata.GetString(metadata.GetAssemblyReference(h).Name)).Order(StringComparer.Ordinal).ToList();
    }

    /// <summary>Product assemblies that reference an assembly matching <paramref name="isForbidden"/> and are not
    /// in <paramref name="allowed"/>, each with the offending references ("InternS1.Media -> TorchSharp").</summary>
    public static IReadOnlyList<string> Violations(Func<string, bool> isForbidden, params string[] allowed)
        => Product.Keys.Where(a => !allowed.Contains(a))
            .SelectMany(a => Of(a).Where(isForbidden).Select(r => $"{a} ({Product[a]}) -> {r}"))
            .ToList();
}
