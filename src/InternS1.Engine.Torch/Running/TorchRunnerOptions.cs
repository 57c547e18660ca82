namespace InternS1.Engine.Torch.Running;

/// <summary>How <see cref="TorchModelRunner.Load"/> builds the model.</summary>
public sealed record TorchRunnerOptions
{
    /// <summary>Weights, activations and KV cache dtype; null (the default) = auto, resolved at load by
    /// <see cref="ComputeDtypeResolution.Resolve"/>: bfloat16 on CUDA and on CPUs with native bfloat16 matrix
    /// instructions, float32 on other CPUs.</summary>
    public ComputeDtype? Dtype { get; init; }

    /// <summary>Where every tensor of the runner lives: <c>auto</c> (default: CUDA when libtorch reports it, else
    /// the CPU), <c>cpu</c>, <c>cuda</c> or <c>cuda:N</c> (<see cref="ComputeDeviceResolution"/>).</summary>
    public string Device { get; init; } = ComputeDeviceResolution.Auto;

    /// <summary>Intra-op CPU threads for torch; null = all processors.</summary>
    public int? Threads { get; init; }

    /// <summary>Build and load the vision tower and projector when config.json has a vision_config
    /// (default). False: a text-only runner — their tensors are skipped (one log line), requests with
    /// images or video get a per-request error, and <c>Info.TokensPerTile</c> is 0.</summary>
    public bool LoadVision { get; init; } = true;
}
