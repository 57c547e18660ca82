namespace InternS1.Engine.Torch.Checkpoints;

/// <summary>
/// <c>quantization_config</c> of a block-FP8 checkpoint (Intern-S1-FP8):
/// <c>{"quant_method":"fp8","fmt":"e4m3","activation_scheme":"dynamic","weight_block_size":[128,128],
/// "ignored_layers"|"modules_to_not_convert":[...]}</c>.
/// </summary>
public sealed record QuantizationConfig
{
    public string? QuantMethod { get; init; }
    public string? Fmt { get; init; }
    public string? ActivationScheme { get; init; }
    public IReadOnlyList<int>? WeightBlockSize { get; init; }
    public IReadOnlyList<string>? IgnoredLayers { get; init; }
    public IReadOnlyList<string>? ModulesToNotConvert { get; init; }
}
