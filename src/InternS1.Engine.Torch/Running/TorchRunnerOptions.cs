namespace InternS1.Engine.Torch.Running;

/// <summary>How <see cref="TorchModelRunner.Load"/> builds the model.</summary>
public sealed record TorchRunnerOptions
{
    /// <summary>Weights, activations and KV cache dtype. Default bfloat16 (the checkpoints' dtype).</summary>
    public ComputeDtype Dtype { get; init; } = ComputeDtype.BFloat16;

    /// <summary>Intra-op CPU threads for torch; null = all processors.</summary>
    public int? Threads { get; init; }

    /// <summary>Build and load the vision tower and projector when config.json has a vision_config
    /// (default). False: a text-only runner — their tensors are skipped (one log line), requests with
    /// images or video get a per-request error, and <c>Info.TokensPerTile</c> is 0.</summary>
    public bool LoadVision { get; init; } = true;
}
