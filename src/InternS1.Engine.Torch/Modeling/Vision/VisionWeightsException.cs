namespace InternS1.Engine.Torch.Modeling.Vision;

/// <summary>
/// The checkpoint tensors under a module prefix do not match the module built from config.json:
/// names missing from the checkpoint, checkpoint names the module does not have, and tensors whose
/// shape or dtype is wrong. The message names the tensors (the first few of each kind, with counts).
/// </summary>
public sealed class VisionWeightsException : Exception
{
    private const int ListedPerKind = 8;

    public VisionWeightsException(string prefix, IReadOnlyList<string> missing, IReadOnlyList<string> unexpected,
        IReadOnlyList<string> misshaped)
        : base(Describe(prefix, missing, unexpected, misshaped))
    {
        Prefix = prefix;
        Missing = missing;
        Unexpected = unexpected;
        Misshaped = misshaped;
    }

    /// <summary>The module prefix, e.g. <c>model.vision_tower.</c>.</summary>
    public string Prefix { get; }

    /// <summary>Full names the module needs that the checkpoint lacks.</summary>
    public IReadOnlyList<string> Missing { get; }

    /// <summary>Full names under the prefix that the module does not have.</summary>
    public IReadOnlyList<string> Unexpected { get; }

    /// <summary>"name: expected [..], found [..] dtype" entries.</summary>
    public IReadOnlyList<string> Misshaped { get; }

    private static string Describe(string prefix, IReadOnlyList<string> missing, IReadOnlyList<string> unexpected,
        IReadOnlyList<string> misshaped)
    {
        var parts = new List<string>();
        if (missing.Count > 0) parts.Add($"{missing.Count} missing ({List(missing)})");
        if (unexpected.Count > 0) parts.Add($"{unexpected.Count} unexpected ({List(unexpected)})");
        if (misshaped.Count > 0) parts.Add($"{misshaped.Count} with the wrong shape or dtype ({List(misshaped)})");
        return $"checkpoint tensors under '{prefix}' do not match the model built from config.json: {string.Join("; ", parts)}. " +
            "Likely cause: vision_config (hidden_size, num_hidden_layers, intermediate_size, norm_type, use_qk_norm, " +
            "attention_bias, image_size, patch_size) or downsample_ratio / text_config.hidden_size differ from the checkpoint, " +
            "or the checkpoint is incomplete.";
    }

    private static string List(IReadOnlyList<string> names) =>
        string.Join(", ", names.Take(ListedPerKind)) + (names.Count > ListedPerKind ? $", … {names.Count - ListedPerKind} more" : "");
}
