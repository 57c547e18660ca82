using InternS1.Engine.Torch.Checkpoints;
using InternS1.Engine.Torch.Modeling;
using static TorchSharp.torch;

namespace InternS1.Engine.Torch.Tests.RealModels;

/// <summary>The full Intern-S1, Intern-S1-FP8 and Intern-S1-mini module trees, built once from the
/// expected real config.json texts on the <c>meta</c> device in bfloat16 (nothing allocated).</summary>
public sealed class RealModelTrees : IDisposable
{
    public RealModelTrees()
    {
        InternS1 = Build("Intern-S1");
        InternS1Fp8 = Build("Intern-S1-FP8");
        InternS1Mini = Build("Intern-S1-mini");
    }

    public (InternS1Config Config, ICausalLanguageModel Model) InternS1 { get; }
    public (InternS1Config Config, ICausalLanguageModel Model) InternS1Fp8 { get; }
    public (InternS1Config Config, ICausalLanguageModel Model) InternS1Mini { get; }

    /// <summary>The fixture text of <paramref name="model"/> (Fixtures/RealConfigs/{model}.config.json).</summary>
    public static string ConfigText(string model) =>
        File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Fixtures", "RealConfigs", model + ".config.json"));

    /// <summary>"name [d0, d1, ..] dtype" per parameter, the listing the tests compare.</summary>
    public static IEnumerable<string> Listing(ICausalLanguageModel model) =>
        model.Root.named_parameters().Select(p => Line(p.name, p.parameter.shape, p.parameter.dtype.ToString()));

    public static string Line(string name, long[] shape, string dtype) => $"{name} [{string.Join(", ", shape)}] {dtype}";

    private static (InternS1Config, ICausalLanguageModel) Build(string model)
    {
        var config = InternS1Config.Parse(ConfigText(model), model + ".config.json");
        return (config, CausalLanguageModels.Create(config, ScalarType.BFloat16, device: META));
    }

    public void Dispose()
    {
        InternS1.Model.Dispose();
        InternS1Fp8.Model.Dispose();
        InternS1Mini.Model.Dispose();
    }
}
