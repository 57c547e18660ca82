namespace InternS1.Engine.Torch.Checkpoints;

/// <summary>
/// How a checkpoint's tensors map onto a module's parameters (<see cref="WeightLoader.Match"/>), worked out
/// from names, shapes and dtypes alone (no tensor data is read): what does not fit, by kind, and what the
/// load will do with the rest.
/// </summary>
public sealed record WeightMatch
{
    /// <summary>"name [shape] (shard)" of parameters no tensor is stored for.</summary>
    public required IReadOnlyList<string> Missing { get; init; }

    /// <summary>"name [shape] (shard)" of stored tensors no parameter, scale or skip rule takes.</summary>
    public required IReadOnlyList<string> Unexpected { get; init; }

    /// <summary>"name: checkpoint [..], model [..] (shard)" of tensors whose shape differs from the parameter's.</summary>
    public required IReadOnlyList<string> Misshaped { get; init; }

    /// <summary>Tensors that cannot be loaded: an unknown or unsupported dtype, or an <c>F8_E4M3</c> weight
    /// without a <c>weight_scale_inv</c> of shape [ceil(out/block), ceil(in/block)].</summary>
    public required IReadOnlyList<string> Unsupported { get; init; }

    /// <summary>Parameters stored as block-scaled <c>F8_E4M3</c> (dequantised on load), each with its scale tensor's name.</summary>
    public required IReadOnlyDictionary<string, string> Fp8Scales { get; init; }

    /// <summary>Stored tensors skipped one by one (<see cref="WeightLoadOptions.IgnoredNames"/>, rotary
    /// <c>inv_freq</c>, static FP8 <c>input_scale</c>).</summary>
    public required IReadOnlyList<string> SkippedNames { get; init; }

    /// <summary>How many stored tensors each of <see cref="WeightLoadOptions.IgnoredPrefixes"/> skipped.</summary>
    public required IReadOnlyDictionary<string, int> SkippedByPrefix { get; init; }

    /// <summary>True when nothing is missing, unexpected, misshaped or unsupported.</summary>
    public bool Fits => Missing.Count + Unexpected.Count + Misshaped.Count + Unsupported.Count == 0;
}
