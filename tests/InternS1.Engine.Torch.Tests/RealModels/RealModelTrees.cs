using InternS1.Engine.Torch.Checkpoints;
using InternS1.Engine.Torch.Modeling;
using TorchSharp;
using static TorchSharp.torch;

namespace InternS1.Engine.Torch.Tests.RealModels;

/// <summary>The full Intern-S1, Intern-S1-FP8 and Intern-S1-mini module trees, built once from the
/// expected real config.json texts on the <c>meta</c> device in bfloat16 (nothing allocated) and listed.</summary>
public sealed class RealModelTrees
{
    /// <summary>One built tree: its config, the checkpoint prefixes it did not build and every parameter.</summary>
    public sealed record Tree(InternS1Config Config, IReadOnlyList<string> UnbuiltPrefixes, IReadOnlyList<Parameter> Parameters)
    {
        /// <summary>"name [d0, d1, ..] dtype" per parameter, the listing the tests compare.</summary>
        public IEnumerable<string> Listing => Parameters.Select(p => Line(p.Name, p.Shape, p.Dtype.ToString()));

        public Dictionary<string, long[]> Shapes => Parameters.ToDictionary(p => p.Name, p => p.Shape, StringComparer.Ordinal);

        public long Count(string prefix = "") =>
            Parameters.Where(p => p.Name.StartsWith(prefix, StringComparison.Ordinal)).Sum(p => p.Shape.Aggregate(1L, (a, b) => a * b));
    }

    public sealed record Parameter(string Name, long[] Shape, ScalarType Dtype, DeviceType Device);

    public RealModelTrees()
    {
        InternS1 = Build("Intern-S1");
        InternS1Fp8 = Build("Intern-S1-FP8");
        InternS1Mini = Build("Intern-S1-mini");
    }

    public Tree InternS1 { get; }
    public Tree InternS1Fp8 { get; }
    public Tree InternS1Mini { get; }

    /// <summary>The fixture text of <paramref name="model"/> (Fixtures/RealConfigs/{model}.config.json).</summary>
    public static string ConfigText(string model) =>
        File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Fixtures", "RealConfigs", model + ".config.json"));

    public static string Line(string name, long[] shape, string dtype) => $"{name} [{string.Join(", ", shape)}] {dtype}";

    private static Tree Build(string model)
    {
        var config = InternS1Config.Parse(ConfigText(model), model + ".config.json");
        using var tree = CausalLanguageModels.Create(config, ScalarType.BFloat16, device: META);
        var parameters = tree.Root.named_parameters()
            .Select(p => new Parameter(p.name, p.parameter.shape, p.parameter.dtype, p.parameter.device_type))
            .ToList();
        return new Tree(config, tree.UnbuiltPrefixes, parameters);
    }
}
