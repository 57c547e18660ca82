namespace InternS1.Engine.Torch.Running;

/// <summary>How <see cref="TorchModelRunner.Load"/> builds the model.</summary>
public sealed record TorchRunnerOptions
{
    /// <summary>Weights, activations and KV cache dtype. Default bfloat16 (the checkpoints' dtype).</summary>
    public ComputeDtype Dtype { get; init; } = ComputeDtype.BFloat16;

    /// <summary>Intra-op CPU threads for torch; null = all processors.</summary>
    public int? Threads { get; init; }
}
